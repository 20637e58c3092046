-- stg_facebook_event_graph: one snapshot of a Facebook event's counts, taken at the export time.
-- upstream: keyed (typed Graph API event objects), events (the calendar), ctx
with matched as (
    select
        keyed.*,
        coalesce(ctx.event_id, events.event_id) as calendar_event_id
    from keyed, ctx
    left join events on events.facebook_event_id = keyed.facebook_event_id
)

select
    matched.line,
    -- an event missing from the calendar keeps its Facebook id, so the reject names it
    coalesce(matched.calendar_event_id, 'facebook:' || matched.facebook_event_id) as event_id,
    ctx.exported_at as snapshot_at,
    matched.going,
    matched.interested,
    matched.maybe,
    matched.declined
from matched, ctx
