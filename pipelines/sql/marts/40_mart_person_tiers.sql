-- mart_person_tiers: where each identified person stands on the engagement pyramid now.
-- grain: one row per person_id. "Now" is the last month with data; rules: pyramid.toml.
-- upstream: mart_person_months, pyramid_tiers
with

person_months as (select * from mart_person_months),
tiers as (select * from pyramid_tiers),

latest as (
    select person_id, tier, tier_rank
    from person_months
    where month = (select max(month) from person_months)
),

history as (
    select person_id, max(tier_rank) as highest_tier_rank, min(month) as first_month,
           count(*) as months_tracked
    from person_months
    group by person_id
),

final as (
    select latest.person_id, latest.tier, latest.tier_rank,
           highest.tier as highest_tier, history.highest_tier_rank,
           history.first_month, history.months_tracked
    from latest
    join history using (person_id)
    join tiers as highest on highest.tier_rank = history.highest_tier_rank
)

select * from final
