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

person_records as not materialized (
    -- each record that counts, with the fact it counts as
    select turnout_person_fact_id(stage, person_id, event_id, petition_id, email_campaign_id)
               as fact_id,
           stage, person_id, petition_id, campaign, source, occurred_at
    from records
    where is_interaction
),

-- the campaigns and sources the records name, numbered in their order: a fact's earliest
-- record's campaign (by time, then by name) is then the least of one number
-- (turnout_time_and_place), found for millions of facts without comparing texts
named as materialized (select distinct campaign, source from person_records),
campaign_places as (
    select campaign, row_number() over (order by campaign) as place
    from (select distinct campaign from named where campaign is not null)
),
source_places as (
    select source, row_number() over (order by source) as place
    from (select distinct source from named where source is not null)
),

firsts as (
    -- one fact per person and thing: two tickets or two opens of one email count once
    select r.fact_id,
           -- the same in every record of the fact
           min(r.stage) as stage, min(r.person_id) as person_id,
           max(case when r.petition_id is not null then 1 else 0 end) = 1 as is_petition,
           min(r.occurred_at) as occurred_at,
           min(turnout_time_and_place(r.occurred_at, c.place)) as first_campaign,
           min(turnout_time_and_place(r.occurred_at, s.place)) as first_source
    from person_records as r
    left join campaign_places as c on c.campaign = r.campaign
    left join source_places as s on s.source = r.source
    group by r.fact_id
),

person_facts as (
    -- a petition's signatures all came through the petition, whenever they were signed
    select f.fact_id, f.stage, c.campaign,
           case when f.is_petition then 'petition' else s.source end as channel,
           f.occurred_at, 1 as interactions, f.person_id
    from firsts as f
    left join campaign_places as c on c.place = turnout_place(f.first_campaign)
    left join source_places as s on s.place = turnout_place(f.first_source)
),

list_facts as (
    -- being on the email list places a person at awareness without an interaction: one
    -- record, whose id is the fact's
    select record_id, stage, campaign, 'email', occurred_at, 0, person_id
    from records
    where not is_interaction
),

unioned as (
    select turnout_fact_id(fact_id) as fact_id, stage, campaign, channel, occurred_at,
           interactions, null as person_id
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
