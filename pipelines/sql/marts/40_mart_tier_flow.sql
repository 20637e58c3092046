-- mart_tier_flow: how many people moved up, stayed or fell back from one month to the next.
-- grain: one row per (month, from_tier, to_tier); Sankey-ready. A person's month before
--        their first is 'observing' (rank 0).
-- upstream: mart_person_tier_spans, pyramid_tiers
-- refresh: incremental by month, from_tier, to_tier
with

spans as (select * from mart_person_tier_spans),
tiers as (select * from pyramid_tiers),

months as (
    select cast(unnest(generate_series(min(from_month), max(to_month), interval 1 month))
                as date) as month
    from spans
),

entries as (
    -- the first month of a span: a move from the tier before it (observing before the first)
    select from_month as month,
           coalesce(lag(tier_rank) over (partition by person_id order by from_month), 0)
               as from_rank,
           tier_rank as to_rank
    from spans
),

stay_changes as (
    -- every later month of a span: the person stays on its tier
    select tier_rank, cast(from_month + interval 1 month as date) as month, 1 as change
    from spans where to_month > from_month
    union all
    select tier_rank, cast(to_month + interval 1 month as date), -1
    from spans where to_month > from_month
),

stays as (
    select months.month, tiers.tier_rank as from_rank, tiers.tier_rank as to_rank,
           sum(coalesce(sum(stay_changes.change), 0))
               over (partition by tiers.tier_rank order by months.month) as count_people
    from months
    cross join tiers
    left join stay_changes
        on stay_changes.tier_rank = tiers.tier_rank and stay_changes.month = months.month
    group by months.month, tiers.tier_rank
),

counted as (
    select month, from_rank, to_rank, cast(sum(count_people) as bigint) as count_people
    from (
        select month, from_rank, to_rank, count(*) as count_people from entries group by all
        union all
        select month, from_rank, to_rank, count_people from stays where count_people > 0
    )
    group by all
),

final as (
    select counted.month, from_tier.tier as from_tier, to_tier.tier as to_tier,
           counted.from_rank, counted.to_rank,
           case when to_rank > from_rank then 'up' when to_rank < from_rank then 'down'
                else 'stay' end as direction,
           counted.count_people
    from counted
    join tiers as from_tier on from_tier.tier_rank = counted.from_rank
    join tiers as to_tier on to_tier.tier_rank = counted.to_rank
)

select * from final
