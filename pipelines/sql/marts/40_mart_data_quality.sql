-- mart_data_quality: the checks a campaign lead should glance at before trusting numbers.
-- grain: one row per check.
-- upstream: mart_import_quality, mart_person_records, mart_event_gap
-- refresh: full (a handful of counts over everything)
with

import_quality as (select * from mart_import_quality),
records as (select * from mart_person_records),
event_gap as (select * from mart_event_gap),

checks as (
    select 'imports' as check_name, count(*) as count_found,
           'files imported' as meaning
    from import_quality
    union all
    select 'rows_rejected', coalesce(sum(rows_rejected), 0),
           'rows left out of imports (see turnout imports --rejects)'
    from import_quality
    union all
    select 'anonymous_signins', count(*),
           'sign-in rows with neither email nor phone: people without any identifier'
    from records
    where is_anonymous
    union all
    select 'events_without_attendance', count(*) filter (where not has_attendance_data),
           'events with no record saying who came or not'
    from event_gap
    union all
    select 'events_without_facebook_counts', count(*) filter (where facebook_going is null),
           'events with no Facebook counts imported'
    from event_gap
),

final as (
    select check_name, cast(count_found as bigint) as count_found, meaning from checks
)

select * from final
