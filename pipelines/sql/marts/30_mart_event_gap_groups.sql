-- mart_event_gap_groups: the RSVP gap per event kind, online/offline and weekday.
-- grain: one row per (breakdown, group_value); breakdown in kind | setting | weekday.
-- Attendance sums only cover events with attendance data; the show-up rate pools the
-- people of those events (Wilson interval over the pooled registered people).
-- upstream: mart_event_gap
-- refresh: full (a few rows summed over every event)
with

events as (select * from mart_event_gap),

labelled as (
    select *, coalesce(kind, 'unknown') as kind_label,
           case is_online when true then 'online' when false then 'offline'
                else 'unknown' end as setting_label,
           coalesce(weekday, 'unknown') as weekday_label
    from events
),

grouped as (
    select
        case when grouping(kind_label) = 0 then 'kind'
             when grouping(setting_label) = 0 then 'setting' else 'weekday' end as breakdown,
        coalesce(kind_label, setting_label, weekday_label) as group_value,
        count(*) as count_events,
        count(*) filter (where has_attendance_data) as count_events_with_attendance,
        sum(registered) as registered,
        sum(attended) as attended,
        sum(walk_ins) as walk_ins,
        sum(no_show) as no_show,
        sum(attendance_unknown) as attendance_unknown,
        sum(registered) filter (where has_attendance_data) as registered_with_attendance,
        sum(registered_attended) as registered_attended,
        sum(facebook_going) as facebook_going,
        sum(attended) filter (where facebook_going > 0) as attended_with_going,
        sum(facebook_going) filter (where attended is not null) as going_with_attendance
    from labelled
    group by grouping sets ((kind_label), (setting_label), (weekday_label))
),

rates as (
    select *,
        case when registered_with_attendance > 0
             then registered_attended / registered_with_attendance end as show_up_rate,
        case when going_with_attendance > 0
             then attended_with_going / going_with_attendance end as facebook_going_conversion
    from grouped
),

final as (
    select *,
        turnout_wilson_low(show_up_rate, registered_with_attendance) as show_up_rate_low,
        turnout_wilson_high(show_up_rate, registered_with_attendance) as show_up_rate_high
    from rates
)

select * from final
