-- mart_person_funnel_stage after a batch: the cells of the people whose facts changed.
-- A highest stage only grows as facts come: a person who only gained facts keeps the
-- greater of their old stage and their new facts'; a person who lost or changed a fact
-- (undone, merged into someone, dated differently) has every fact read again.

-- keys:
with changed as (
    select coalesce(campaign, '(none)') as campaign, channel, person_id
    from removed_mart_funnel_facts where person_id is not null
    union all
    select coalesce(campaign, '(none)'), channel, person_id
    from added_mart_funnel_facts where person_id is not null
)
select campaign, channel, person_id from changed
union select campaign, '(all)', person_id from changed
union select '(all)', channel, person_id from changed
union select '(all)', '(all)', person_id from changed

-- input mart_funnel_facts:
select * from mart_funnel_facts
where person_id in (select person_id from removed_mart_funnel_facts)

-- rows:
with
read_again as (
    select distinct person_id from removed_mart_funnel_facts where person_id is not null
),
gained as (
    select coalesce(campaign, '(none)') as campaign, channel, person_id, stage_rank
    from added_mart_funnel_facts
    where person_id is not null and person_id not in (select person_id from read_again)
),
gained_tops as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           person_id, max(stage_rank) as stage_rank
    from gained
    group by grouping sets ((campaign, channel, person_id), (campaign, person_id),
                           (channel, person_id), (person_id))
),
grown as (
    select g.campaign, g.channel, g.person_id,
           greatest(g.stage_rank, coalesce(o.stage_rank, 0)) as stage_rank
    from gained_tops as g
    left join old_rows as o
        on o.campaign = g.campaign and o.channel is not distinct from g.channel
       and o.person_id = g.person_id
)
select campaign, channel, person_id, stage_rank, stage from rebuilt
union all
select campaign, channel, person_id, stage_rank,
       case stage_rank when 1 then 'awareness' when 2 then 'engagement'
                       when 3 then 'commitment' when 4 then 'action' end
from grown
