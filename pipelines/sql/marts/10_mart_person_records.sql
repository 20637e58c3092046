-- mart_person_records: every person-level record, resolved to its person, with its funnel stage.
-- grain: one row per (record_id, stage). A registration gives a commitment row (unless
--        cancelled or declined) and an action row when it says attended = true; a sign-in
--        row with neither email nor phone is its own anonymous person, numbered below zero
--        (turnout_anonymous_person).
-- upstream: registrations, checkins, signatures, email_activity, events, person_keys
-- refresh: incremental by record_id
with

calendar as (select event_id, campaign, starts_at from events),
keys as (select key_hash, person_id from person_keys),
-- (not materialized: read again where it is used rather than copied once, every column of
-- every row)
registration_rows as not materialized (select * from registrations),
checkin_rows as (select * from checkins),
signature_rows as (select * from signatures),
email_rows as (select * from email_activity),

records as (
    select record_id, 'registration' as record_kind, 'commitment' as stage, source,
           event_id, null as petition_id, null as email_campaign_id,
           email_key, phone_key, platform_key, channel, null as campaign,
           registered_at as happened_at, exported_at, true as is_interaction
    from registration_rows
    where not (is_cancelled or turnout_is_cancelled(status))
    union all
    select record_id, 'attendance', 'action', source, event_id, null, null,
           email_key, phone_key, platform_key, channel, null, null, exported_at, true
    from registration_rows
    where attended
    union all
    select record_id, 'checkin', 'action', source, event_id, null, null,
           email_key, phone_key, null, channel, null, signed_in_at, exported_at, true
    from checkin_rows
    union all
    select record_id, 'signature', 'commitment', source, null, petition_id, null,
           email_key, phone_key, platform_key, channel, campaign, signed_at, exported_at, true
    from signature_rows
    union all
    select record_id, 'email_' || action,
           case action when 'click' then 'engagement' else 'awareness' end,
           source, null, null, email_campaign_id, email_key, null, null, 'email', campaign,
           occurred_at, exported_at, action <> 'subscribed'
    from email_rows
    where action in ('subscribed', 'open', 'click')
),

resolved as (
    -- all keys of one record belong to the same person: one of them is enough to look up
    select
        records.*,
        coalesce(keys.person_id, turnout_anonymous_person(records.record_id)) as person_id,
        coalesce(records.email_key, records.phone_key, records.platform_key) is null
            as is_anonymous,
        coalesce(records.campaign, calendar.campaign) as record_campaign,
        -- attendance is dated at the event; a record without a time at its export
        coalesce(records.happened_at, calendar.starts_at, records.exported_at) as occurred_at
    from records
    left join calendar using (event_id)
    left join keys
        on keys.key_hash = coalesce(records.email_key, records.phone_key, records.platform_key)
),

final as (
    select
        record_id, record_kind, person_id, is_anonymous, stage,
        case stage when 'awareness' then 1 when 'engagement' then 2
                   when 'commitment' then 3 when 'action' then 4 end as stage_rank,
        record_campaign as campaign, source, channel, event_id, petition_id,
        email_campaign_id, occurred_at, is_interaction
    from resolved
)

select * from final
