-- follow_up_sources: the ids other systems know each person by, so that a campaign can find
-- them where their contact details already live. Never an email or a phone in clear: for
-- Zoom (which has no registrant id) the keyed hash of the registrant's email, as the 32 hex
-- digits of the number it is kept as (as mart_event_attendance writes it).
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

refs_by_system as (
    -- one row per person, system and id (a person with no id still has a row), so that the
    -- lists below are short
    select distinct person_id,
           case when source like 'actionnetwork%' or source like 'osdi%' then 'action_network'
                when source = 'mobilize' then 'mobilize'
                when source = 'eventbrite' then 'eventbrite'
                when source like 'zoom%' then 'zoom'
           end as system,
           case when source like 'zoom%' then printf('%032x', email_key) else source_ref end as ref
    from refs
),

ids_by_system as (
    -- a person's ids in one system, in order, in one text ('; ' between them)
    -- (a list sorted per group: an ordered string_agg took 1.5× as long on 1.1M groups)
    select person_id, system,
           array_to_string(list_sort(list(ref) filter (where ref is not null)), '; ') as ids
    from refs_by_system
    group by person_id, system
),

final as (
    select person_id,
           any_value(ids) filter (where system = 'action_network') as action_network_uuid,
           any_value(ids) filter (where system = 'mobilize') as mobilize_user_id,
           any_value(ids) filter (where system = 'eventbrite') as eventbrite_attendee_number,
           any_value(ids) filter (where system = 'zoom') as zoom_registrant_email_hash
    from ids_by_system
    group by person_id
)

select * from final
