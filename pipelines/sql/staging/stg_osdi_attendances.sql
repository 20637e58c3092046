-- stg_osdi_attendances: one registration per OSDI attendance record.
-- upstream: keyed (one row per attendance, hashed keys), events (calendar), ctx
with attendances as (
    select
        keyed.*,
        calendar.event_id as calendar_event_id
    from keyed
    left join events as calendar on calendar.event_id = keyed.osdi_event_id
)

select
    attendances.line,
    -- an unknown event keeps its OSDI id (without --event), so the reject names it
    coalesce(attendances.calendar_event_id, ctx.event_id, attendances.osdi_event_id) as event_id,
    cast(null as varchar) as email_key,
    cast(null as varchar) as phone_key,
    attendances.platform_key,
    attendances.person_uuid as source_ref,
    attendances.created_date as registered_at,
    turnout_status(attendances.status) as status,
    turnout_is_cancelled(turnout_status(attendances.status)) as is_cancelled,
    attendances.attended,  -- absent: unknown
    cast(null as double) as minutes_attended,
    cast(null as varchar) as channel,
    ctx.source,
    ctx.exported_at,
    coalesce(attendances.attendance_id,
             concat_ws('|', attendances.osdi_event_id, attendances.person_uuid)) as record_ref
from attendances, ctx
