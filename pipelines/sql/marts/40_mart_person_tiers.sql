-- mart_person_tiers: where each identified person stands on the engagement pyramid now.
-- grain: one row per person_id. "Now" is the last month with data; rules: pyramid.toml.
-- upstream: mart_person_tier_spans, pyramid_tiers
-- refresh: incremental by person_id
with

spans as (select * from mart_person_tier_spans),
tiers as (select * from pyramid_tiers),

latest as (
    -- every person's last span runs to the last month with data
    select person_id, tier, tier_rank
    from spans
    where to_month = (select max(to_month) from spans)
),

history as (
    select person_id, max(tier_rank) as highest_tier_rank, min(from_month) as first_month,
           cast(sum(date_diff('month', from_month, to_month) + 1) as bigint) as months_tracked
    from spans
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
