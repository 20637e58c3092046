-- mart_funnel after a batch: the cells of the facts that changed. A week's or a month's
-- cells are rebuilt by the mart's own SQL from every fact of that week or month; the
-- all-time cells count each person once at their highest stage, which
-- mart_person_funnel_stage keeps, and sum the interactions of every fact (a few hundred
-- groups: cheap, unlike counting people).

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
facts as (
    select coalesce(campaign, '(none)') as campaign, channel, stage, interactions
    from mart_funnel_facts
),
all_time_cells as (select * from redo_keys where period = 'all'),
interaction_totals as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign,
           case when grouping(channel) = 1 then '(all)' else channel end as channel,
           stage, sum(interactions) as interactions
    from facts
    group by grouping sets ((campaign, channel, stage), (campaign, stage), (channel, stage),
                           (stage))
),
cell_list as (
    -- a cell exists when any fact falls in it, as in the mart's own SQL
    select distinct t.campaign, t.channel
    from interaction_totals as t
    semi join all_time_cells as k
        on k.campaign = t.campaign and k.channel is not distinct from t.channel
),
top_counts as (
    select p.campaign, p.channel, p.stage_rank, count(*) as people
    from mart_person_funnel_stage as p
    semi join cell_list as l
        on l.campaign = p.campaign and l.channel is not distinct from p.channel
    group by all
),
stages as (
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
),
people_counts as (
    select l.campaign, l.channel, s.stage, s.stage_rank,
           cast(coalesce(sum(t.people), 0) as bigint) as people
    from cell_list as l
    cross join stages as s
    left join top_counts as t
        on t.campaign = l.campaign and t.channel is not distinct from l.channel
       and t.stage_rank >= s.stage_rank
    group by all
),
all_time as (
    select pc.campaign, pc.channel, 'all' as period, 'all' as period_label,
           cast(null as date) as period_start, pc.stage, pc.stage_rank,
           cast(coalesce(it.interactions, 0) as bigint) as interactions, pc.people
    from people_counts as pc
    left join interaction_totals as it
        on it.campaign = pc.campaign and it.channel is not distinct from pc.channel
       and it.stage = pc.stage
)
select * from rebuilt where period <> 'all'
union all by name
select * from all_time
