-- mart_person_funnel_stage after a batch: the cells of the people whose facts changed.
-- A highest stage only grows as facts come: a person who only gained facts keeps the
-- greater of their old stage and their new facts' (only cells where that is higher are
-- redone, from the new facts alone); a person who lost or changed a fact (undone, merged
-- into someone, dated differently) has every fact read again.

-- keys:
with
read_again as (
    select distinct person_id from removed_mart_funnel_facts where person_id is not null
),
changed as (
    select coalesce(campaign, '(none)') as campaign, channel, person_id, stage_rank
    from removed_mart_funnel_facts where person_id is not null
    union all
    select coalesce(campaign, '(none)'), channel, person_id, stage_rank
    from added_mart_funnel_facts where person_id is not null
),
cells as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           person_id, max(stage_rank) as stage_rank
    from changed
    group by grouping sets ((campaign, channel, person_id), (campaign, person_id),
                           (channel, person_id), (person_id))
)
select c.campaign, c.channel, c.person_id
from cells as c
left join mart_person_funnel_stage as o
    on o.campaign = c.campaign and o.channel is not distinct from c.channel
   and o.person_id = c.person_id
where c.person_id in (select person_id from read_again)
   or o.stage_rank is null or o.stage_rank < c.stage_rank

-- input mart_funnel_facts:
-- every fact of the people read again; of the others, only their new facts (in the cells
-- redone, those give the higher stage)
select * from mart_funnel_facts
where person_id in (select person_id from removed_mart_funnel_facts)
union all
select * from added_mart_funnel_facts
where person_id not in (select person_id from removed_mart_funnel_facts
                        where person_id is not null)
