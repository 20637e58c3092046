-- mart_funnel after a batch: the cells of the facts that changed, kept up to date from what
-- changed. A cell's interactions are its old sums plus those of the facts that came, minus
-- those of the facts that went (mart_funnel_facts' change). Its people are its old counts
-- plus a change: all time, the highest stages that came into mart_person_funnel_stage
-- minus those that went; in a week or a month, the highest stages there now minus before
-- of the people whose facts there changed (only their facts are read). A week or a month
-- where more than a tenth of its people changed (a newsletter's month) is counted again
-- instead, by the mart's own SQL from every fact of it: that reads fewer facts than
-- reading those people's facts twice (the tenth: marts.FULL_SHARE).

-- keys:
-- (with recount: the week or month is counted again from its facts)
with
changed as (
    select coalesce(campaign, '(none)') as campaign, channel,
           cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start
    from (select campaign, channel, occurred_at from removed_mart_funnel_facts
          union all
          select campaign, channel, occurred_at from added_mart_funnel_facts)
),
cells as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           case when grouping(week_start) = 0 then 'week'
                when grouping(month_start) = 0 then 'month' else 'all' end as period,
           coalesce(week_start, month_start) as period_start
    from changed
    group by grouping sets (
        (campaign, channel), (campaign), (channel), (),
        (campaign, channel, week_start), (campaign, week_start), (channel, week_start),
        (week_start),
        (campaign, channel, month_start), (campaign, month_start), (channel, month_start),
        (month_start))
),
person_changes as (
    select person_id, cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start
    from (select person_id, occurred_at from removed_mart_funnel_facts
          union all
          select person_id, occurred_at from added_mart_funnel_facts)
    where person_id is not null and occurred_at is not null
),
changed_people as (
    -- how many people's facts changed in each week and each month
    select 'week' as period, week_start as period_start, count(distinct person_id) as people
    from person_changes
    group by week_start
    union all
    select 'month', month_start, count(distinct person_id)
    from person_changes
    group by month_start
),
recounted as (
    -- against the people in it before the batch (its totals' cell at awareness)
    select c.period, c.period_start
    from changed_people as c
    left join mart_funnel as m
        on m.campaign = '(all)' and m.channel = '(all)' and m.stage = 'awareness'
       and m.period = c.period and m.period_start = c.period_start
    where c.people > coalesce(m.people, 0) * getvariable('turnout_full_share')
)
select c.campaign, c.channel, c.period, c.period_start,
       r.period is not null as recount
from cells as c
left join recounted as r on r.period = c.period and r.period_start = c.period_start
where c.period = 'all' or c.period_start is not null
union
-- the all-time cells whose people changed (mart_person_funnel_stage rebuilt in full, say)
select campaign, channel, 'all', null, false from removed_mart_person_funnel_stage
union
select campaign, channel, 'all', null, false from added_mart_person_funnel_stage

-- input mart_funnel_facts: as a table
-- every fact of the weeks and months counted again; the plain bounds on occurred_at first,
-- which DuckDB checks while it scans (the weeks' and months' test alone reads every fact's
-- columns). A table, copied once: the mart reads its facts once per breakdown, and a view
-- would find them again each time (none, after a sign-in sheet: each time comparing every
-- fact's time with the bounds)
select * from mart_funnel_facts
where occurred_at >= (select min(period_start) from redo_keys where recount)
  and occurred_at < (select max(period_start) from redo_keys where recount)
                    + interval 1 month
  and (cast(date_trunc('week', occurred_at) as date)
           in (select period_start from redo_keys where recount and period = 'week')
       or cast(date_trunc('month', occurred_at) as date)
           in (select period_start from redo_keys where recount and period = 'month'))

-- input mart_person_funnel_stage:
-- none: the all-time cells it gives are kept up to date below instead
select * from mart_person_funnel_stage where false

-- rows:
with
stages as (
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
),
fact_changes as (
    -- the facts that came and went, with their weeks and months
    select coalesce(campaign, '(none)') as campaign, channel, stage, interactions,
           cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start
    from (select campaign, channel, stage, interactions, occurred_at
          from added_mart_funnel_facts
          union all
          select campaign, channel, stage, -interactions, occurred_at
          from removed_mart_funnel_facts)
),
interaction_changes as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           case when grouping(week_start) = 0 then 'week'
                when grouping(month_start) = 0 then 'month' else 'all' end as period,
           coalesce(week_start, month_start) as period_start,
           stage, sum(interactions) as interactions
    from fact_changes
    group by grouping sets (
        (campaign, channel, stage), (campaign, stage), (channel, stage), (stage),
        (campaign, channel, week_start, stage), (campaign, week_start, stage),
        (channel, week_start, stage), (week_start, stage),
        (campaign, channel, month_start, stage), (campaign, month_start, stage),
        (channel, month_start, stage), (month_start, stage))
),
all_time_people_changes as (
    -- cumulative, as the cells count: a person at a stage counts at every stage below it
    select c.campaign, c.channel, 'all' as period, cast(null as date) as period_start,
           s.stage, sum(c.change) as people
    from (select campaign, channel, stage_rank, 1 as change
          from added_mart_person_funnel_stage
          union all
          select campaign, channel, stage_rank, -1
          from removed_mart_person_funnel_stage) as c
    join stages as s on c.stage_rank >= s.stage_rank
    group by all
),
person_changes as (
    select person_id, cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start
    from (select person_id, occurred_at from added_mart_funnel_facts
          union all
          select person_id, occurred_at from removed_mart_funnel_facts)
    where person_id is not null and occurred_at is not null
),
person_periods as (
    -- each week and each month, not counted again, in which a person's facts changed
    select person_id, 'week' as period, week_start as period_start
    from person_changes
    where week_start in (select period_start from redo_keys
                         where period = 'week' and not recount)
    union
    select person_id, 'month', month_start
    from person_changes
    where month_start in (select period_start from redo_keys
                          where period = 'month' and not recount)
),
facts_now as (
    -- those people's facts now, within those weeks and months (the plain bounds on
    -- occurred_at, which DuckDB checks while it scans)
    select fact_id, stage, stage_rank, campaign, channel, occurred_at, interactions,
           person_id
    from mart_funnel_facts
    where person_id in (select person_id from person_periods)
      and occurred_at >= (select min(period_start) from person_periods)
      and occurred_at < (select max(period_start) from person_periods) + interval 1 month
),
facts_before as (
    -- a fact's id is its key: the facts that came are in the mart now, as they came
    select * from facts_now
    where fact_id not in (select fact_id from added_mart_funnel_facts)
    union all
    select fact_id, stage, stage_rank, campaign, channel, occurred_at, interactions,
           person_id
    from removed_mart_funnel_facts
    where person_id is not null and occurred_at is not null
),
signed_facts as (
    -- now (+1) and before (-1)
    select person_id, coalesce(campaign, '(none)') as campaign, channel, stage_rank, sign,
           cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start
    from (select *, 1 as sign from facts_now
          union all
          select *, -1 from facts_before)
),
period_facts as (
    -- each of those facts in its week and in its month, where its person's facts changed
    select f.person_id, f.campaign, f.channel, f.stage_rank, f.sign, 'week' as period,
           f.week_start as period_start
    from signed_facts as f
    semi join person_periods as p
        on p.period = 'week' and p.person_id = f.person_id and p.period_start = f.week_start
    union all
    select f.person_id, f.campaign, f.channel, f.stage_rank, f.sign, 'month',
           f.month_start
    from signed_facts as f
    semi join person_periods as p
        on p.period = 'month' and p.person_id = f.person_id
       and p.period_start = f.month_start
),
period_tops as (
    -- each of those people's highest stage in each of those weeks and months, in each
    -- breakdown, now and before
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           period, period_start, sign, max(stage_rank) as top_rank
    from period_facts
    group by grouping sets ((campaign, channel, period, period_start, person_id, sign),
                           (campaign, period, period_start, person_id, sign),
                           (channel, period, period_start, person_id, sign),
                           (period, period_start, person_id, sign))
),
period_people_changes as (
    select t.campaign, t.channel, t.period, t.period_start, s.stage, sum(t.sign) as people
    from period_tops as t
    join stages as s on t.top_rank >= s.stage_rank
    group by all
),
people_changes as (
    select * from all_time_people_changes
    union all
    select * from period_people_changes
),
aggregate_cells as (
    -- the cells an aggregate fact falls in (a few hundred facts): they have no one in them
    select distinct
           case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           case when grouping(week_start) = 0 then 'week'
                when grouping(month_start) = 0 then 'month' else 'all' end as period,
           coalesce(week_start, month_start) as period_start
    from (select coalesce(campaign, '(none)') as campaign, channel,
                 cast(date_trunc('week', occurred_at) as date) as week_start,
                 cast(date_trunc('month', occurred_at) as date) as month_start
          from mart_aggregate_facts)
    group by grouping sets (
        (campaign, channel), (campaign), (channel), (),
        (campaign, channel, week_start), (campaign, week_start), (channel, week_start),
        (week_start),
        (campaign, channel, month_start), (campaign, month_start), (channel, month_start),
        (month_start))
    having count(*) > 0  -- without aggregate facts, not even the totals' cell
),
new_cells as (
    select k.campaign, k.channel, k.period,
           case k.period when 'all' then 'all'
                         when 'week' then strftime(k.period_start, '%Y-%m-%d')
                         else strftime(k.period_start, '%Y-%m') end as period_label,
           k.period_start, s.stage, s.stage_rank,
           cast(coalesce(o.interactions, 0) + coalesce(i.interactions, 0) as bigint)
               as interactions,
           cast(coalesce(o.people, 0) + coalesce(p.people, 0) as bigint) as people
    from (select * from redo_keys where not recount) as k
    cross join stages as s
    left join old_rows as o
        on o.campaign = k.campaign and o.channel is not distinct from k.channel
       and o.period = k.period and o.period_start is not distinct from k.period_start
       and o.stage = s.stage
    left join interaction_changes as i
        on i.campaign = k.campaign and i.channel is not distinct from k.channel
       and i.period = k.period and i.period_start is not distinct from k.period_start
       and i.stage = s.stage
    left join people_changes as p
        on p.campaign = k.campaign and p.channel is not distinct from k.channel
       and p.period = k.period and p.period_start is not distinct from k.period_start
       and p.stage = s.stage
),
existing as (
    -- a cell exists when any fact falls in it, as in the mart's own SQL: someone is in it
    -- (every identified or anonymous person of its facts), or an aggregate fact
    select campaign, channel, period, period_start from new_cells
    where stage = 'awareness' and people > 0
    union
    select campaign, channel, period, period_start from aggregate_cells
    where period = 'all' or period_start is not null
)
select * from rebuilt
where period <> 'all'
  and (period, period_start) in (select period, period_start from redo_keys where recount)
union all by name
select c.* from new_cells as c
semi join existing as e
    on e.campaign = c.campaign and e.channel is not distinct from c.channel
   and e.period = c.period and e.period_start is not distinct from c.period_start
