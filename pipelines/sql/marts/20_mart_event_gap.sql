-- mart_event_gap: RSVPs against real attendance, exactly as METRICS.md defines each field.
-- grain: one row per event of the calendar.
-- upstream: events, mart_person_records, registrations, checkins, facebook_event_snapshots
-- refresh: incremental by event_id
with

calendar as (select * from events),
-- (not materialized: read again where it is used rather than copied once, every column of
-- every row)
records as not materialized (select * from mart_person_records where event_id is not null),
latest_facebook as (
    select event_id, going, interested from facebook_event_snapshots
    qualify turnout_is_latest(event_id, snapshot_at)
),
attendance_data as (
    -- any record saying attended true or false, or any sign-in row
    select distinct event_id from registrations where attended is not null
    union
    select distinct event_id from checkins
),

registered_people as (
    select distinct event_id, person_id from records where record_kind = 'registration'
),
attendees as (
    select distinct event_id, person_id from records where stage = 'action'
),
attendee_counts as (
    select a.event_id, count(*) as attended,
           count(*) filter (where r.person_id is null) as walk_ins,
           count(*) filter (where r.person_id is not null) as registered_attended
    from attendees as a
    left join registered_people as r using (event_id, person_id)
    group by a.event_id
),
registered_counts as (
    select event_id, count(*) as registered from registered_people group by event_id
),
vouching_sources as (
    -- a system that marks anyone's attendance at an event marks every registrant it lists
    select distinct event_id, source from registrations where attended is not null
),
vouched_people as (
    select event_id, person_id
    from records join vouching_sources using (event_id, source)
    where record_kind = 'registration'
    union
    select event_id, person_id from records where record_kind = 'checkin'
),
coverage_counts as (
    select event_id, count(*) as registered_vouched
    from registered_people join vouched_people using (event_id, person_id)
    group by event_id
),

measures as (
    select
        c.event_id, c.name, c.starts_at, c.kind, c.campaign, c.is_online,
        dayname(c.starts_at) as weekday,
        f.going as facebook_going, f.interested as facebook_interested,
        coalesce(r.registered, 0) as registered,
        d.event_id is not null as has_attendance_data,
        case when d.event_id is not null then coalesce(a.attended, 0) end as attended,
        case when d.event_id is not null then coalesce(a.walk_ins, 0) end as walk_ins,
        case when d.event_id is not null then coalesce(a.registered_attended, 0) end
            as registered_attended,
        case when d.event_id is not null then coalesce(v.registered_vouched, 0) end
            as registered_vouched
    from calendar as c
    left join latest_facebook as f using (event_id)
    left join registered_counts as r using (event_id)
    left join attendee_counts as a using (event_id)
    left join attendance_data as d using (event_id)
    left join coverage_counts as v using (event_id)
),

rates as (
    select *,
        registered - registered_attended as no_show,
        case when has_attendance_data then 0 else registered end as attendance_unknown,
        case when registered > 0 then registered_attended / registered end as show_up_rate,
        case when facebook_going > 0 then attended / facebook_going end
            as facebook_going_conversion,
        case when registered > 0 then registered_vouched / registered end
            as attendance_coverage
    from measures
),

final as (
    select *,
        turnout_wilson_low(show_up_rate, registered) as show_up_rate_low,
        turnout_wilson_high(show_up_rate, registered) as show_up_rate_high
    from rates
)

select * from final
