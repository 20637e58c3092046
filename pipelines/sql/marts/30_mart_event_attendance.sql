-- mart_event_attendance: who came to each event, for the campaign lead's lists: every person
-- registered (not cancelled) and every identified walk-in, with came / did not come /
-- unknown, named by the ids the source systems know them by (never an email or a phone; for
-- Zoom, which has no registrant id, the keyed hash of the registrant's email).
-- grain: one row per (event_id, person_id); anonymous sign-ins are counted, never listed.
-- upstream: mart_person_records, mart_event_gap, registrations, person_keys
-- refresh: incremental by event_id
with

-- (not materialized: read again where it is used rather than copied once, every column of
-- every row)
records as not materialized (select * from mart_person_records where event_id is not null),
events_with_data as (select event_id from mart_event_gap where has_attendance_data),
keys as (select key_hash, person_id from person_keys),
registration_rows as (select * from registrations),

registered as (
    select distinct event_id, person_id from records where record_kind = 'registration'
),
came as (
    select distinct event_id, person_id from records where stage = 'action' and not is_anonymous
),
listed as (
    select event_id, person_id from registered
    union
    select event_id, person_id from came
),

source_ids as (
    -- the ids each system knows the person by for this event, one column per system as in
    -- the follow-up list (a registration per system and event)
    select r.event_id, k.person_id,
           max(case when r.source like 'actionnetwork%' or r.source like 'osdi%'
                    then r.source_ref end) as action_network_uuid,
           max(case when r.source = 'mobilize' then r.source_ref end) as mobilize_user_id,
           max(case when r.source = 'eventbrite' then r.source_ref end)
               as eventbrite_attendee_number,
           max(case when r.source like 'zoom%' then turnout_digest_text(r.email_key) end)
               as zoom_registrant_email_hash
    from registration_rows as r
    join keys as k on k.key_hash = coalesce(r.email_key, r.phone_key, r.platform_key)
    group by r.event_id, k.person_id
),

final as (
    select l.event_id, l.person_id,
           case when c.person_id is not null and g.person_id is null then 'walk_in'
                when d.event_id is null then 'unknown'
                when c.person_id is not null then 'came'
                else 'no_show'
           end as attendance,
           g.person_id is not null as is_registered,
           s.action_network_uuid, s.mobilize_user_id, s.eventbrite_attendee_number,
           s.zoom_registrant_email_hash
    from listed as l
    left join registered as g using (event_id, person_id)
    left join came as c using (event_id, person_id)
    left join events_with_data as d using (event_id)
    left join source_ids as s using (event_id, person_id)
)

select * from final
