-- mart_retention: cohorts by the month of a person's first action, and the share of each
--                 cohort acting again in each later month.
-- grain: one row per (cohort_month, months_after); months_after 0 is the cohort itself.
-- upstream: mart_person_milestones, mart_person_records
-- refresh: incremental by cohort_month
with

milestones as (select * from mart_person_milestones where cohort_month is not null),
actions as (
    select distinct person_id, cast(date_trunc('month', occurred_at) as date) as month
    from mart_person_records
    where stage = 'action' and not is_anonymous and occurred_at is not null
),

last_month as (select max(month) as month from actions),

cohorts as (
    select cohort_month, count(*) as cohort_size from milestones group by cohort_month
),

offsets as (
    select cohorts.cohort_month, cohorts.cohort_size,
           cast(unnest(generate_series(0, date_diff('month', cohorts.cohort_month,
                last_month.month))) as integer) as months_after
    from cohorts, last_month
),

active as (
    select m.cohort_month, date_diff('month', m.cohort_month, a.month) as months_after,
           count(distinct a.person_id) as count_acting
    from milestones as m
    join actions as a using (person_id)
    group by all
),

final as (
    select o.cohort_month, o.months_after, o.cohort_size,
           coalesce(a.count_acting, 0) as count_acting,
           coalesce(a.count_acting, 0) / o.cohort_size as share_acting
    from offsets as o
    left join active as a using (cohort_month, months_after)
)

select * from final
