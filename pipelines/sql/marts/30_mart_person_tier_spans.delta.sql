-- mart_person_tier_spans after a batch: the spans of the people whose records changed in
-- mart_person_records (new, changed or gone; merged or split by linking). A person's spans
-- are made of their own records and of the last month with data, which every person's
-- last span runs to: when the batch moves that month, every person's spans change.

-- full when: the last month with data moved (every person's last span runs to it)
select (select max(to_month) from mart_person_tier_spans)
       is distinct from
       (select cast(date_trunc('month', max(occurred_at)) as date)
        from mart_person_records where not is_anonymous)

-- keys:
select person_id from removed_mart_person_records where not is_anonymous
union
select person_id from added_mart_person_records where not is_anonymous

-- input mart_person_records:
-- the people's own records, and those of one person active in the last month with data,
-- so that the mart's own SQL finds the same last month (that person's spans are not kept)
select * from mart_person_records where person_id in (select person_id from redo_keys)
union all
select * from mart_person_records
where person_id = (select arg_max(person_id, occurred_at) from mart_person_records
                   where not is_anonymous and occurred_at is not null)
  and person_id not in (select person_id from redo_keys)
