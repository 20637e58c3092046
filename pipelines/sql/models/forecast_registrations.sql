-- forecast_registrations: the people registered for each event, with what was known about
-- them before the event (the rows the show-up model learns from and predicts).
-- grain: one row per (event_id, person_id) registered, not cancelled or declined, in that
--        order: a large campaign's model is fitted on a sample of these rows by position, so
--        the same data must always give the same rows in the same places.
-- Nothing here looks past the event's start: past attendance counts earlier events only,
-- and a person's channel comes from this registration or from their earlier records.
-- Email records (email_*) change no row here: never a registration nor an action, and left
-- out of the channels. After a batch, forecast_inputs.READS reads people again for their
-- other records only.
-- upstream: events, mart_person_records, mart_event_gap
with

calendar as (select event_id, starts_at from events),
gap as (select event_id, has_attendance_data from mart_event_gap),
-- read again by each step below rather than copied once: a copy of every record would be
-- as large as the mart itself
records as not materialized (
    select event_id, person_id, occurred_at, channel, stage, record_kind
    from mart_person_records
    where not is_anonymous
),

registered as (
    select event_id, person_id, min(occurred_at) as registered_at,
           arg_min(channel, {'at': occurred_at, 'tie': channel})
               filter (where channel is not null and occurred_at is not null) as own_channel
    from records
    where record_kind = 'registration'
    group by event_id, person_id
),
attended as (
    select distinct event_id, person_id from records where stage = 'action'
),
history as (
    -- every event of the person with attendance data, once: came or not (a person who
    -- came is in both halves with the same row)
    select r.event_id, r.person_id, c.starts_at,
           a.person_id is not null as came
    from registered as r
    join gap as g on g.event_id = r.event_id and g.has_attendance_data
    join calendar as c on c.event_id = r.event_id
    left join attended as a on a.event_id = r.event_id and a.person_id = r.person_id
    union
    select a.event_id, a.person_id, c.starts_at, true
    from attended as a join calendar as c using (event_id)
),
known_channel as (
    -- the latest "how did you hear" said before the event (email-list rows say nothing)
    select r.event_id, r.person_id,
           arg_max(p.channel, {'at': p.occurred_at, 'tie': p.channel})
               filter (where p.occurred_at is not null) as earlier_channel
    from registered as r
    join calendar as c using (event_id)
    join records as p
        on p.person_id = r.person_id and p.occurred_at < c.starts_at
       and p.channel is not null and p.record_kind not like 'email%'
    group by r.event_id, r.person_id
),
past as (
    select r.event_id, r.person_id,
           count(h.event_id) filter (where h.came) as past_attended,
           count(h.event_id) filter (where not h.came) as past_no_show
    from registered as r
    join calendar as c using (event_id)
    left join history as h on h.person_id = r.person_id and h.starts_at < c.starts_at
    group by r.event_id, r.person_id
),

final as (
    select r.event_id, r.person_id, r.registered_at,
           greatest(0, date_diff('second', r.registered_at, c.starts_at) / 86400.0) as lead_days,
           coalesce(r.own_channel, k.earlier_channel) as channel,
           coalesce(p.past_attended, 0) as past_attended,
           coalesce(p.past_no_show, 0) as past_no_show,
           a.person_id is not null as came
    from registered as r
    join calendar as c using (event_id)
    left join known_channel as k using (event_id, person_id)
    left join past as p using (event_id, person_id)
    left join attended as a using (event_id, person_id)
)

select * from final order by event_id, person_id
