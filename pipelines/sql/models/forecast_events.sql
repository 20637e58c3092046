-- forecast_events: every event with what the forecast may know about it.
-- grain: one row per event of the calendar.
-- "as of" is the latest recorded activity (never the clock): a past event is forecast at
-- its start, an upcoming one at "as of"; the Facebook counts are the latest snapshot
-- before that time.
-- upstream: events, mart_event_gap, facebook_event_snapshots, registrations, checkins,
--           email_activity
with

gap as (select * from mart_event_gap),
calendar as (select event_id, reminder_sent from events),
activity as (
    select max(t) as as_of from (
        select max(registered_at) as t from registrations
        union all select max(snapshot_at) from facebook_event_snapshots
        union all select max(signed_in_at) from checkins
        union all select max(occurred_at) from email_activity
    )
),
timed as (
    select g.*, c.reminder_sent, a.as_of,
           coalesce(g.starts_at > a.as_of, true) as is_upcoming,
           case when g.starts_at > a.as_of then a.as_of else g.starts_at end as forecast_at
    from gap as g
    join calendar as c using (event_id)
    cross join activity as a
),
facebook_then as (
    select t.event_id,
           arg_max(s.going, s.snapshot_at) as going_then,
           arg_max(s.interested, s.snapshot_at) as interested_then
    from timed as t
    join facebook_event_snapshots as s
        on s.event_id = t.event_id and s.snapshot_at <= coalesce(t.forecast_at, s.snapshot_at)
    group by t.event_id
),

final as (
    select t.event_id, t.name, t.starts_at, t.kind, t.campaign, t.is_online, t.reminder_sent,
           t.as_of, t.forecast_at, t.is_upcoming,
           f.going_then as facebook_going, f.interested_then as facebook_interested,
           t.registered, t.has_attendance_data, t.attended, t.walk_ins,
           t.registered_attended
    from timed as t
    left join facebook_then as f using (event_id)
)

select * from final order by starts_at, event_id
