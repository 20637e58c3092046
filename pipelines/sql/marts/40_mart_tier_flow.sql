-- mart_tier_flow: how many people moved up, stayed or fell back from one month to the next.
-- grain: one row per (month, from_tier, to_tier); Sankey-ready. A person's month before
--        their first is 'observing' (rank 0).
-- upstream: mart_person_months, pyramid_tiers
with

person_months as (select * from mart_person_months),
tiers as (select * from pyramid_tiers),

moves as (
    select person_id, month, tier_rank as to_rank,
           coalesce(lag(tier_rank) over (partition by person_id order by month), 0) as from_rank
    from person_months
),

counted as (
    select month, from_rank, to_rank, count(*) as count_people
    from moves
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
