-- mart_tier_flow after a batch: the moves of the people whose spans changed in
-- mart_person_tier_spans. Each person adds 1 to the cell of each span's first month (a move
-- from their tier before it) and 1 to the "stay" cell of each later month of the span, so
-- a count is kept by taking away what those people's spans gave before and adding what
-- they give now.

-- full when: the spans of more than a tenth of people changed: rebuilding is as fast
-- (the tenth: marts.FULL_SHARE; a month that moves changes everyone's last span)
select (select count(*)
        from (select person_id from removed_mart_person_tier_spans
              union
              select person_id from added_mart_person_tier_spans))
       > (select count(*) from people) * getvariable('turnout_full_share')

-- keys:
-- the cells whose count changes, with the change (people whose spans came minus people
-- whose spans went)
with
moved as (
    select person_id from removed_mart_person_tier_spans
    union
    select person_id from added_mart_person_tier_spans
),
spans_now as (
    select s.* from mart_person_tier_spans as s semi join moved using (person_id)
),
spans_before as (
    (select * from spans_now except select * from added_mart_person_tier_spans)
    union all
    select * from removed_mart_person_tier_spans
),
signed as (
    select person_id, from_month, to_month, tier_rank, 1 as sign from spans_now
    union all
    select person_id, from_month, to_month, tier_rank, -1 from spans_before
),
entries as (
    select from_month as month,
           coalesce(lag(tier_rank) over (partition by person_id, sign order by from_month), 0)
               as from_rank,
           tier_rank as to_rank, sign
    from signed
),
stays as (
    select cast(unnest(generate_series(from_month + interval 1 month, to_month,
                                       interval 1 month)) as date) as month,
           tier_rank as from_rank, tier_rank as to_rank, sign
    from signed
    where to_month > from_month
),
changes as (
    select month, from_rank, to_rank, sum(sign) as change
    from (select * from entries union all select * from stays)
    group by all
    having sum(sign) <> 0
)
select c.month, from_tier.tier as from_tier, to_tier.tier as to_tier, c.from_rank,
       c.to_rank, c.change
from changes as c
join pyramid_tiers as from_tier on from_tier.tier_rank = c.from_rank
join pyramid_tiers as to_tier on to_tier.tier_rank = c.to_rank

-- rows:
-- each changed cell's count before, plus its change; a cell nobody is in any more goes
select k.month, k.from_tier, k.to_tier, k.from_rank, k.to_rank,
       case when k.to_rank > k.from_rank then 'up' when k.to_rank < k.from_rank then 'down'
            else 'stay' end as direction,
       cast(coalesce(o.count_people, 0) + k.change as bigint) as count_people
from redo_keys as k
left join old_rows as o using (month, from_tier, to_tier)
where coalesce(o.count_people, 0) + k.change > 0
