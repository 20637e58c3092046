-- mart_person_funnel_stage: the highest funnel stage each person ever reached, overall, per
-- campaign, per channel, and per campaign and channel: the people mart_funnel counts in
-- its all-time cells, kept so that a refresh can count them without reading every fact.
-- grain: one row per (campaign, channel, person_id); campaign and channel '(all)' are the
--        totals, campaign '(none)': facts without one (as in mart_funnel). An anonymous
--        sign-in is a person here too, as mart_funnel counts it.
-- upstream: mart_funnel_facts
-- refresh: incremental by campaign, channel, person_id
with

facts as (
    select coalesce(campaign, '(none)') as campaign, channel, person_id, stage_rank
    from mart_funnel_facts
    where person_id is not null
),

tops as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           person_id, max(stage_rank) as stage_rank
    from facts
    group by grouping sets ((campaign, channel, person_id), (campaign, person_id),
                           (channel, person_id), (person_id))
),

final as (
    select campaign, channel, person_id, stage_rank,
           case stage_rank when 1 then 'awareness' when 2 then 'engagement'
                           when 3 then 'commitment' when 4 then 'action' end as stage
    from tops
)

select * from final
