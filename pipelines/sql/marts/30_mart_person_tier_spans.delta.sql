-- mart_person_tier_spans after a batch: the spans of the people whose records changed in
-- mart_person_records (new, changed or gone; merged or split by linking), but for records
-- that cannot move a tier. A person's spans are made of their own records and of the last
-- month with data, which every person's last span runs to: when the batch moves that
-- month, every person's spans change.

-- full when: the last month with data moved (every person's last span runs to it)
select (select max(to_month) from mart_person_tier_spans)
       is distinct from
       (select cast(date_trunc('month', max(occurred_at)) as date)
        from mart_person_records where not is_anonymous)

-- keys:
-- A record only added (none of the person's records went) can only raise the value of its
-- metric, and only from its month on; so it cannot change the person's spans when, from
-- that month to the last, the person already stands at or above the highest tier that
-- metric reaches (most of a newsletter's openers, already on the list). Every other
-- person with a record added, and everyone with a record gone, is redone.
with
added as (
    select person_id, cast(date_trunc('month', occurred_at) as date) as month,
           turnout_pyramid_metric(record_kind) as metric
    from added_mart_person_records
    where not is_anonymous and occurred_at is not null
),
highest as (
    -- the highest tier each metric reaches on its own (none: it places nobody)
    select metric, max(tier_rank) as tier_rank from pyramid_rules group by metric
),
could_change as (
    -- a record before the person's first month (or of someone with no span yet) starts
    -- their spans earlier; one from whose month on a span stands below what its metric
    -- reaches could raise them
    select distinct a.person_id
    from added as a
    left join highest as h using (metric)
    where not exists (select 1 from mart_person_tier_spans as s
                      where s.person_id = a.person_id and s.from_month <= a.month)
       or exists (select 1 from mart_person_tier_spans as s
                  where s.person_id = a.person_id and s.to_month >= a.month
                    and s.tier_rank < coalesce(h.tier_rank, 0))
)
select person_id from removed_mart_person_records where not is_anonymous
union
select person_id from could_change

-- input mart_person_records:
-- the people's own records, and those of one person active in the last month with data,
-- so that the mart's own SQL finds the same last month (that person's spans are not kept)
select * from mart_person_records where person_id in (select person_id from redo_keys)
union all
select * from mart_person_records
where person_id = (select arg_max(person_id, occurred_at) from mart_person_records
                   where not is_anonymous and occurred_at is not null)
  and person_id not in (select person_id from redo_keys)
