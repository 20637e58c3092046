-- mart_person_months: each identified person's pyramid tier at the end of each month.
-- grain: one row per (person_id, month), from the person's first month to the last month
--        with data: mart_person_tier_spans spelt out month by month.
-- materialized: view (millions of rows at scale; nothing reads it in full but people
--        looking into one person's history)
-- upstream: mart_person_tier_spans
select person_id,
       cast(unnest(generate_series(from_month, to_month, interval 1 month)) as date) as month,
       tier_rank, tier
from mart_person_tier_spans
