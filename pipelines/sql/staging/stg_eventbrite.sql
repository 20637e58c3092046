-- stg_eventbrite: one registration per ticket (Attendee #) of one Eventbrite event.
-- upstream: keyed (typed attendee rows with hashed keys), ctx (the event comes from the import)
with tickets as (
    select
        keyed.*,
        turnout_status(replace(keyed.attendee_status, '_', ' ')) as status_word
    from keyed
)

select
    tickets.line,
    ctx.event_id,
    tickets.email_key,
    tickets.phone_key,
    cast(null as varchar) as platform_key,
    tickets.attendee_no as source_ref,
    tickets.ordered_at as registered_at,
    tickets.status_word as status,
    turnout_is_cancelled(tickets.status_word) as is_cancelled,
    -- only a check-in says anything about showing up; "Attending" is a ticket holder
    case when tickets.status_word in ('checked in', 'checked-in') then true end as attended,
    cast(null as double) as minutes_attended,
    turnout_channel(tickets.heard_from) as channel,
    ctx.source,
    ctx.exported_at,
    -- attendee numbers are unique per event; keep events apart all the same
    ctx.event_id || '|' || tickets.attendee_no as record_ref
from tickets, ctx
