-- mart_funnel: the funnel, interactions and people side by side, for every breakdown.
-- grain: one row per (campaign, channel, period, period_label, stage). campaign and channel
--        '(all)' are the totals (campaign '(none)': records without one); period 'all' |
--        'week' (label: the Monday) | 'month' (label: YYYY-MM). People are counted within
--        each row's breakdown: a person's stage there is their highest stage there.
-- upstream: mart_funnel_facts
with

facts as (select * from mart_funnel_facts),
folded as (
    -- one row per person (or aggregate), stage and place in time before fanning out
    select campaign, channel, stage, stage_rank, person_id,
           cast(date_trunc('week', occurred_at) as date) as week_start,
           cast(date_trunc('month', occurred_at) as date) as month_start,
           sum(interactions) as interactions
    from facts
    group by all
),
stages as (
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
),

cells as (
    select folded.*, c.campaign_cell, ch.channel_cell, p.period, p.period_start
    from folded
    cross join lateral (values (coalesce(folded.campaign, '(none)')), ('(all)'))
        as c (campaign_cell)
    cross join lateral (values (folded.channel), ('(all)')) as ch (channel_cell)
    cross join lateral (values
        ('all', cast(null as date)), ('week', folded.week_start), ('month', folded.month_start)
    ) as p (period, period_start)
    where p.period = 'all' or p.period_start is not null
),

cell_list as (
    select distinct campaign_cell, channel_cell, period, period_start from cells
),

interaction_totals as (
    select campaign_cell, channel_cell, period, period_start, stage,
           sum(interactions) as interactions
    from cells
    group by all
),

person_tops as (
    select campaign_cell, channel_cell, period, period_start, person_id,
           max(stage_rank) as top_rank
    from cells
    where person_id is not null
    group by all
),

people_counts as (
    -- cumulative: people[stage] = people whose stage is that stage or higher
    select l.campaign_cell, l.channel_cell, l.period, l.period_start, s.stage, s.stage_rank,
           count(p.person_id) as people
    from cell_list as l
    cross join stages as s
    left join person_tops as p
        on p.campaign_cell = l.campaign_cell and p.channel_cell = l.channel_cell
        and p.period = l.period and p.period_start is not distinct from l.period_start
        and p.top_rank >= s.stage_rank
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
