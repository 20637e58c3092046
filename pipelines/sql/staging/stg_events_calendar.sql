-- stg_events_calendar: one row per calendar line, platform ids cleaned.
-- upstream: keyed (the typed rows of an events calendar), ctx
select
    keyed.line,
    keyed.event_id,
    keyed.name,
    keyed.starts_at,
    lower(keyed.kind) as kind,
    coalesce(keyed.campaign, ctx.campaign) as campaign,
    keyed.online as is_online,
    keyed.reminder_sent,
    keyed.eventbrite_event_id,
    replace(replace(keyed.zoom_webinar_id, ' ', ''), '-', '') as zoom_webinar_id,
    keyed.mobilize_event_id,
    coalesce(
        nullif(regexp_extract(keyed.facebook_event_url, 'events/(\d+)', 1), ''),
        nullif(regexp_extract(keyed.facebook_event_url, '^(\d+)$', 1), '')
    ) as facebook_event_id
from keyed, ctx
