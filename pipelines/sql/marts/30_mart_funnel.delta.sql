-- mart_funnel after a batch: the cells of the facts that changed. A week's or a month's
-- cells are rebuilt by the mart's own SQL from every fact of that week or month. The
-- all-time cells are kept up to date from what changed, without reading every fact: their
-- interactions from the facts that came and went (mart_funnel_facts' change), their
-- people from the highest stages that came and went (mart_person_funnel_stage's change).

-- keys:
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
)
select * from cells where period = 'all' or period_start is not null
union
-- the all-time cells whose people changed (mart_person_funnel_stage rebuilt in full, say)
select campaign, channel, 'all', null from removed_mart_person_funnel_stage
union
select campaign, channel, 'all', null from added_mart_person_funnel_stage

-- input mart_funnel_facts:
-- the facts of those weeks and months; the plain bounds on occurred_at first, which DuckDB
-- checks while it scans (the weeks' and months' test alone reads every fact's columns)
select * from mart_funnel_facts
where occurred_at >= (select min(period_start) from redo_keys where period <> 'all')
  and occurred_at < (select max(period_start) from redo_keys where period <> 'all')
                    + interval 1 month
  and (cast(date_trunc('week', occurred_at) as date)
           in (select period_start from redo_keys where period = 'week')
       or cast(date_trunc('month', occurred_at) as date)
           in (select period_start from redo_keys where period = 'month'))

-- rows:
with
all_time_cells as (select campaign, channel from redo_keys where period = 'all'),
stages as (
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
),
fact_changes as (
    select coalesce(campaign, '(none)') as campaign, channel, stage, interactions
    from added_mart_funnel_facts
    union all
    select coalesce(campaign, '(none)'), channel, stage, -interactions
    from removed_mart_funnel_facts
),
interaction_changes as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           stage, sum(interactions) as interactions
    from fact_changes
    group by grouping sets ((campaign, channel, stage), (campaign, stage), (channel, stage),
                           (stage))
),
people_changes as (
    -- cumulative, as the cells count: a person at a stage counts at every stage below it
    select c.campaign, c.channel, s.stage, sum(c.change) as people
    from (select campaign, channel, stage_rank, 1 as change
          from added_mart_person_funnel_stage
          union all
          select campaign, channel, stage_rank, -1
          from removed_mart_person_funnel_stage) as c
    join stages as s on c.stage_rank >= s.stage_rank
    group by all
),
aggregate_cells as (
    -- the cells an aggregate fact falls in (a few hundred facts): they have no one in them
    select distinct
           case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel
    from (select coalesce(campaign, '(none)') as campaign, channel from mart_aggregate_facts)
    group by grouping sets ((campaign, channel), (campaign), (channel), ())
    having count(*) > 0  -- without aggregate facts, not even the totals' cell
),
all_time as (
    select k.campaign, k.channel, 'all' as period, 'all' as period_label,
           cast(null as date) as period_start, s.stage, s.stage_rank,
           cast(coalesce(o.interactions, 0) + coalesce(i.interactions, 0) as bigint)
               as interactions,
           cast(coalesce(o.people, 0) + coalesce(p.people, 0) as bigint) as people
    from all_time_cells as k
    cross join stages as s
    left join old_rows as o
        on o.period = 'all' and o.campaign = k.campaign
       and o.channel is not distinct from k.channel and o.stage = s.stage
    left join interaction_changes as i
        on i.campaign = k.campaign and i.channel is not distinct from k.channel
       and i.stage = s.stage
    left join people_changes as p
        on p.campaign = k.campaign and p.channel is not distinct from k.channel
       and p.stage = s.stage
),
existing as (
    -- a cell exists when any fact falls in it, as in the mart's own SQL: someone is in it
    -- (every identified or anonymous person of its facts), or an aggregate fact
    select campaign, channel from all_time
    where stage = 'awareness' and people > 0
    union
    select campaign, channel from aggregate_cells
)
select * from rebuilt where period <> 'all'
union all by name
select a.* from all_time as a
semi join existing as e on e.campaign = a.campaign and e.channel is not distinct from a.channel
