-- mart_funnel: the funnel, interactions and people side by side, for every breakdown.
-- grain: one row per (campaign, channel, period, period_label, stage). campaign and channel
--        '(all)' are the totals (campaign '(none)': records without one); period 'all' |
--        'week' (label: the Monday) | 'month' (label: YYYY-MM). People are counted within
--        each row's breakdown: a person's stage there is their highest stage there.
--        The all-time cells count the people mart_person_funnel_stage keeps at their
--        highest stage; the week and month cells find each person's highest stage here.
-- upstream: mart_funnel_facts, mart_person_funnel_stage
-- refresh: incremental by campaign, channel, period, period_start
with

-- (not materialized: each breakdown scans the facts' columns it needs again, rather than
-- every fact copied once and spilled past the memory limit; the refresh after a batch
-- gives it its facts as a table, copied once: 30_mart_funnel.delta.sql)
facts as not materialized (select * from mart_funnel_facts),
stages as (
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
),

base as (
    -- each fact in its cells' keys: its week and month; '(none)': facts without a campaign.
    -- Facts are not grouped by person and stage first: a fact is already one person's one
    -- thing, and such a pass over every fact would merge almost none.
    select coalesce(campaign, '(none)') as campaign, channel,
           cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start,
           stage, stage_rank, person_id, interactions
    from facts
),

interaction_totals as (
    -- every breakdown at once: a grouped-away column is '(all)' (or the whole period)
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign_cell,
           case when grouping(channel) = 1 then '(all)' else channel end as channel_cell,
           case when grouping(week_start) = 0 then 'week'
                when grouping(month_start) = 0 then 'month' else 'all' end as period,
           coalesce(week_start, month_start) as period_start,
           stage, sum(interactions) as interactions
    from base
    group by grouping sets (
        (campaign, channel, stage), (campaign, stage), (channel, stage), (stage),
        (campaign, channel, week_start, stage), (campaign, week_start, stage),
        (channel, week_start, stage), (week_start, stage),
        (campaign, channel, month_start, stage), (campaign, month_start, stage),
        (channel, month_start, stage), (month_start, stage))
),

cell_list as (
    select distinct campaign_cell, channel_cell, period, period_start
    from interaction_totals
    where period = 'all' or period_start is not null
),

cells as (
    -- each (campaign, channel) pair numbered: whether a person's facts in a period share
    -- one pair is then a comparison of numbers
    select campaign, channel, row_number() over (order by campaign, channel) as cell
    from (select distinct campaign, channel from base)
),

person_periods as (
    -- each person's highest stage in each week and each month, and whether all their facts
    -- there are of one campaign and one channel (most people's are)
    select case when grouping(b.week_start) = 0 then 'week' else 'month' end as period,
           coalesce(b.week_start, b.month_start) as period_start, b.person_id,
           max(b.stage_rank) as top_rank, min(c.cell) as cell,
           min(c.cell) = max(c.cell) as is_single
    from base as b
    join cells as c on c.campaign = b.campaign and c.channel is not distinct from b.channel
    where b.person_id is not null
    group by grouping sets ((b.week_start, b.person_id), (b.month_start, b.person_id))
),

single_counts as (
    -- their highest stage in the period is their highest stage in its four breakdowns
    select c.campaign, c.channel, s.period, s.period_start, s.top_rank, s.people
    from (select cell, period, period_start, top_rank, count(*) as people
          from person_periods
          where is_single
          group by all) as s
    join cells as c using (cell)
),

mixed_facts as (
    -- the facts of the other people, in each of their weeks and months
    select b.*, 'week' as period, b.week_start as period_start
    from base as b
    semi join person_periods as p
        on p.period = 'week' and not p.is_single
       and p.person_id = b.person_id and p.period_start = b.week_start
    union all
    select b.*, 'month', b.month_start
    from base as b
    semi join person_periods as p
        on p.period = 'month' and not p.is_single
       and p.person_id = b.person_id and p.period_start = b.month_start
),

mixed_tops as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign_cell,
           case when grouping(channel) = 1 then '(all)' else channel end as channel_cell,
           period, period_start, max(stage_rank) as top_rank
    from mixed_facts
    group by grouping sets ((campaign, channel, period, period_start, person_id),
                           (campaign, period, period_start, person_id),
                           (channel, period, period_start, person_id),
                           (period, period_start, person_id))
),

top_counts as (
    select case when grouping(campaign) = 1 then '(all)' else campaign end as campaign_cell,
           case when grouping(channel) = 1 then '(all)' else channel end as channel_cell,
           period, period_start, top_rank, sum(people) as people
    from single_counts
    group by grouping sets ((campaign, channel, period, period_start, top_rank),
                           (campaign, period, period_start, top_rank),
                           (channel, period, period_start, top_rank),
                           (period, period_start, top_rank))
    union all
    select campaign_cell, channel_cell, period, period_start, top_rank, count(*)
    from mixed_tops
    group by all
    union all
    -- all time: each person once per breakdown, at their highest stage there
    select campaign, channel, 'all', null, stage_rank, count(*)
    from mart_person_funnel_stage
    group by campaign, channel, stage_rank
),

people_counts as (
    -- cumulative: people[stage] = people whose stage is that stage or higher
    select l.campaign_cell, l.channel_cell, l.period, l.period_start, s.stage, s.stage_rank,
           cast(coalesce(sum(t.people), 0) as bigint) as people
    from cell_list as l
    cross join stages as s
    left join top_counts as t
        on t.campaign_cell = l.campaign_cell and t.channel_cell = l.channel_cell
        and t.period = l.period and t.period_start is not distinct from l.period_start
        and t.top_rank >= s.stage_rank
    group by all
),

final as (
    select
        pc.campaign_cell as campaign, pc.channel_cell as channel, pc.period,
        case pc.period when 'all' then 'all' when 'week' then strftime(pc.period_start, '%Y-%m-%d')
             else strftime(pc.period_start, '%Y-%m') end as period_label,
        pc.period_start, pc.stage, pc.stage_rank,
        cast(coalesce(it.interactions, 0) as bigint) as interactions, pc.people
    from people_counts as pc
    left join interaction_totals as it
        on it.campaign_cell = pc.campaign_cell and it.channel_cell = pc.channel_cell
        and it.period = pc.period and it.period_start is not distinct from pc.period_start
        and it.stage = pc.stage
)

select * from final
