-- mart_funnel_facts: each thing the funnel counts, deduplicated as METRICS.md says.
-- grain: one row per fact_id (a 128-bit number: turnout_fact_id in _macros.sql; a place on
--        the list: its record's id): an aggregate count (mart_aggregate_facts), a distinct
--        (person, email campaign) open or click, a distinct (person, event) registration
--        or attendance, a distinct (person, petition) signature, a place on the email list
--        (a person at awareness with 0 interactions). person_id is null for aggregates.
-- upstream: mart_person_records, mart_aggregate_facts
-- refresh: incremental by fact_id
with

-- (not materialized: read again where it is used rather than copied once, every column of
-- every row)
records as not materialized (select * from mart_person_records),
aggregates as (select * from mart_aggregate_facts),

person_facts as (
    -- one fact per person and thing: two tickets or two opens of one email count once
    select turnout_person_fact_id(stage, person_id, event_id, petition_id, email_campaign_id)
               as fact_id,
           stage, arg_min(campaign, turnout_earliest(occurred_at, campaign)) as campaign,
           case when petition_id is not null then 'petition'
                else arg_min(source, turnout_earliest(occurred_at, source)) end as channel,
           min(occurred_at) as occurred_at, 1 as interactions, person_id
    from records
    where is_interaction
    group by stage, person_id, event_id, petition_id, email_campaign_id
),

list_facts as (
    -- being on the email list places a person at awareness without an interaction: one
    -- record, whose id is the fact's
    select record_id, stage, campaign, 'email', occurred_at, 0, person_id
    from records
    where not is_interaction
),

unioned as (
    select turnout_fact_id(fact_id) as fact_id, stage, campaign, channel, occurred_at, interactions,
           null as person_id
    from aggregates
    union all select * from person_facts
    union all select * from list_facts
),

final as (
    select fact_id, stage,
           case stage when 'awareness' then 1 when 'engagement' then 2
                      when 'commitment' then 3 when 'action' then 4 end as stage_rank,
           campaign, channel, occurred_at, cast(interactions as bigint) as interactions,
           person_id
    from unioned
)

select * from final
