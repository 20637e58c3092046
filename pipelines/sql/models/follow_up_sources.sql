-- follow_up_sources: the ids other systems know each person by, so that a campaign can find
-- them where their contact details already live. Never an email or a phone in clear: for
-- Zoom (which has no registrant id) the keyed hash of the registrant's email.
-- grain: one row per identified person_id with a registration or a signature.
-- upstream: registrations, signatures, person_keys
with

keys as (select key_hash, person_id from person_keys),
registration_rows as (select * from registrations),
signature_rows as (select * from signatures),

refs as (
    select k.person_id, r.source, r.source_ref, r.email_key
    from registration_rows as r
    join keys as k on k.key_hash = coalesce(r.email_key, r.phone_key, r.platform_key)
    union all
    select k.person_id, s.source, s.source_ref, null
    from signature_rows as s
    join keys as k on k.key_hash = coalesce(s.email_key, s.phone_key, s.platform_key)
),

final as (
    select person_id,
           string_agg(distinct source_ref, '; ' order by source_ref)
               filter (where source like 'actionnetwork%' or source like 'osdi%')
               as action_network_uuid,
           string_agg(distinct source_ref, '; ' order by source_ref)
               filter (where source = 'mobilize') as mobilize_user_id,
           string_agg(distinct source_ref, '; ' order by source_ref)
               filter (where source = 'eventbrite') as eventbrite_attendee_number,
           string_agg(distinct email_key, '; ' order by email_key)
               filter (where source like 'zoom%') as zoom_registrant_email_hash
    from refs
    group by person_id
)

select * from final
