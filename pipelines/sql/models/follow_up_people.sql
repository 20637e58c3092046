-- follow_up_people: people who committed (registered, signed) but had never acted as of
-- $cutoff, what they had done by then, and whether they acted after it (up to $until).
-- grain: one row per identified person_id.
-- Only records dated at or before $cutoff describe a person: the label is the future.
-- last_at and first_at are what the days since count from: the list keeps its people's
-- rows without the days (follow_up_inputs.py), and counts them from the latest activity.
-- upstream: mart_person_records, events, mart_event_gap
with

-- read again by each step below rather than copied once: a copy of every record would be
-- as large as the mart itself
records as not materialized (
    select person_id, occurred_at, stage, record_kind, channel, event_id, petition_id
    from mart_person_records
    where not is_anonymous and occurred_at is not null
),
calendar as (select event_id, starts_at from events),
gap as (select event_id, has_attendance_data from mart_event_gap),
known as not materialized (select * from records where occurred_at <= $cutoff),

committed as (
    select person_id from known
    group by person_id
    having bool_or(stage = 'commitment') and not bool_or(stage = 'action')
),
activity as (
    select person_id,
           date_diff('second', max(occurred_at), $cutoff) / 86400.0 as days_since_last,
           date_diff('second', min(occurred_at), $cutoff) / 86400.0 as days_since_first,
           max(occurred_at) as last_at,
           min(occurred_at) as first_at,
           count(*) filter (where record_kind = 'email_open') as opens,
           count(*) filter (where record_kind = 'email_click') as clicks,
           bool_or(record_kind = 'email_subscribed') as on_list,
           arg_max(channel, {'at': occurred_at, 'tie': channel}) filter (
               where channel is not null and record_kind not like 'email%') as channel
    from known
    semi join committed using (person_id)
    group by person_id
),
registered as (
    -- each event a person registered for, once
    select distinct person_id, event_id
    from known
    semi join committed using (person_id)
    where record_kind = 'registration'
),
registrations as (
    select r.person_id,
           count(r.event_id) as registrations,
           count(r.event_id) filter (where c.starts_at > $cutoff) as upcoming,
           count(r.event_id) filter (
               where c.starts_at <= $cutoff and g.has_attendance_data) as no_shows
    from registered as r
    left join calendar as c using (event_id)
    left join gap as g using (event_id)
    group by r.person_id
),
signed as (
    select person_id, count(distinct petition_id) as signatures
    from known
    semi join committed using (person_id)
    where record_kind = 'signature'
    group by person_id
),
acted_after as (
    select distinct person_id from records
    where stage = 'action' and occurred_at > $cutoff and occurred_at <= $until
),

final as (
    select a.person_id, a.days_since_last, a.days_since_first,
           coalesce(r.registrations, 0) as registrations,
           coalesce(r.upcoming, 0) as upcoming,
           coalesce(r.no_shows, 0) as no_shows,
           coalesce(s.signatures, 0) as signatures,
           a.opens, a.clicks, a.on_list, a.channel,
           f.person_id is not null as acted,
           a.last_at, a.first_at
    from activity as a
    left join registrations as r using (person_id)
    left join signed as s using (person_id)
    left join acted_after as f using (person_id)
)

select * from final order by person_id
