-- mart_retention after a batch: the cohorts of the people whose first action
-- (mart_person_milestones) or months with an action (mart_person_records) changed. Each
-- person adds 1 to their cohort's size and 1 to its count for each later month they acted
-- in, so a cohort is kept by taking away what those people gave before and adding what
-- they give now; its share is then worked out again from its counts.

-- full when: the last month with an action moved, or the actions of more than a tenth of people changed
-- (every cohort then has a month more or fewer; the tenth: marts.FULL_SHARE)
select (select max(cast(cohort_month + to_months(months_after) as date)) from mart_retention)
       is distinct from
       (select cast(date_trunc('month', max(occurred_at)) as date)
        from mart_person_records where stage = 'action' and not is_anonymous)
    or (select count(*)
        from (select person_id from removed_mart_person_milestones
              union
              select person_id from added_mart_person_milestones
              union
              select person_id from removed_mart_person_records
              where stage = 'action' and not is_anonymous
              union
              select person_id from added_mart_person_records
              where stage = 'action' and not is_anonymous))
       > (select count(*) from people) * getvariable('turnout_full_share')

-- keys:
-- each changed cohort's change in size (months_after null) and in the people acting each
-- month after it
with
moved as (
    select person_id from removed_mart_person_milestones
    union
    select person_id from added_mart_person_milestones
    union
    select person_id from removed_mart_person_records where stage = 'action' and not is_anonymous
    union
    select person_id from added_mart_person_records where stage = 'action' and not is_anonymous
),
milestones_now as (
    select m.* from mart_person_milestones as m semi join moved using (person_id)
),
milestones_before as (
    (select * from milestones_now except select * from added_mart_person_milestones)
    union all
    select * from removed_mart_person_milestones
),
actions_now as (
    select r.person_id, r.record_id, r.occurred_at
    from mart_person_records as r semi join moved using (person_id)
    where r.stage = 'action' and not r.is_anonymous and r.occurred_at is not null
),
actions_before as (
    (select * from actions_now
     except
     select person_id, record_id, occurred_at from added_mart_person_records
     where stage = 'action' and not is_anonymous)
    union all
    select person_id, record_id, occurred_at from removed_mart_person_records
    where stage = 'action' and not is_anonymous and occurred_at is not null
),
signed_people as (
    select person_id, cohort_month, 1 as sign from milestones_now
    where cohort_month is not null
    union all
    select person_id, cohort_month, -1 from milestones_before
    where cohort_month is not null
),
signed_months as (
    select distinct person_id, cast(date_trunc('month', occurred_at) as date) as month,
           1 as sign
    from actions_now
    union all
    select distinct person_id, cast(date_trunc('month', occurred_at) as date), -1
    from actions_before
),
size_changes as (
    select cohort_month, cast(null as integer) as months_after, sum(sign) as size_change,
           0 as acting_change
    from signed_people
    group by all
),
acting_changes as (
    select p.cohort_month, date_diff('month', p.cohort_month, m.month) as months_after,
           0 as size_change, sum(p.sign) as acting_change
    from signed_people as p
    join signed_months as m on m.person_id = p.person_id and m.sign = p.sign
    group by all
)
select * from size_changes where size_change <> 0
union all
select * from acting_changes where acting_change <> 0

-- rows:
-- each changed cohort's size and counts before, plus their changes, for every month from
-- the cohort's to the last month with an action; a cohort nobody is in any more goes
with
size_change as (
    select cohort_month, sum(size_change) as change from redo_keys group by cohort_month
),
old_size as (select distinct cohort_month, cohort_size from old_rows),
new_size as (
    select c.cohort_month, coalesce(o.cohort_size, 0) + c.change as cohort_size
    from size_change as c
    left join old_size as o using (cohort_month)
    where coalesce(o.cohort_size, 0) + c.change > 0
),
last_month as (
    select cast(date_trunc('month', max(occurred_at)) as date) as month
    from mart_person_records
    where stage = 'action' and not is_anonymous
),
offsets as (
    select n.cohort_month, n.cohort_size,
           cast(unnest(generate_series(0, date_diff('month', n.cohort_month, l.month)))
                as integer) as months_after
    from new_size as n, last_month as l
),
acting_change as (
    select cohort_month, months_after, sum(acting_change) as change
    from redo_keys
    where months_after is not null
    group by all
),
counted as (
    select o.cohort_month, o.months_after, cast(o.cohort_size as bigint) as cohort_size,
           cast(coalesce(old.count_acting, 0) + coalesce(a.change, 0) as bigint)
               as count_acting
    from offsets as o
    left join old_rows as old using (cohort_month, months_after)
    left join acting_change as a using (cohort_month, months_after)
)
select *, count_acting / cohort_size as share_acting from counted
