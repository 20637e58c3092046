-- stg_actionnetwork_rsvps: one registration per activist for the event given with --event.
-- upstream: keyed (typed activist rows, hashed keys), ctx
select
    keyed.line,
    ctx.event_id,
    keyed.email_key,
    keyed.phone_key,
    keyed.platform_key,
    keyed.uuid as source_ref,
    keyed.acted_at as registered_at,
    'accepted' as status,
    false as is_cancelled,
    cast(null as boolean) as attended,  -- an Action Network RSVP says nothing about showing up
    cast(null as double) as minutes_attended,
    turnout_channel(keyed.utm_source) as channel,
    ctx.source,
    ctx.exported_at,
    concat_ws('|', ctx.event_id, coalesce(keyed.uuid, keyed.email_key, keyed.phone_key))
        as record_ref
from keyed, ctx
