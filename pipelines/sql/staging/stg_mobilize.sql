-- stg_mobilize: one registration per Mobilize participation (person x timeslot).
-- upstream: keyed (typed participation rows, hashed keys), events (calendar), ctx
with participations as (
    select
        keyed.*,
        calendar.event_id as calendar_event_id
    from keyed
    left join events as calendar on calendar.mobilize_event_id = keyed.mobilize_event_id
)

select
    participations.line,
    -- an event missing from the calendar keeps Mobilize's id, so the reject names it
    coalesce(participations.calendar_event_id,
             'mobilize:' || participations.mobilize_event_id,
             ctx.event_id) as event_id,
    participations.email_key,
    participations.phone_key,
    participations.platform_key,
    participations.user_id as source_ref,
    participations.created_date as registered_at,
    turnout_status(participations.status) as status,
    turnout_is_cancelled(turnout_status(participations.status)) as is_cancelled,
    participations.attended,  -- null: never marked, unknown
    cast(null as double) as minutes_attended,
    turnout_channel(participations.utm_source) as channel,
    ctx.source,
    ctx.exported_at,
    'participation:' || participations.participation_id as record_ref
from participations, ctx
