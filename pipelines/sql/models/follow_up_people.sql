-- follow_up_people: people who committed (registered, signed) but had never acted as of
-- $cutoff, what they had done by then, and whether they acted after it (up to $until).
-- grain: one row per identified person_id.
-- Only records dated at or before $cutoff describe a person: the label is the future.
-- upstream: mart_person_records, events, mart_event_gap
with

records as (
    select * from mart_person_records where not is_anonymous and occurred_at is not null
),
calendar as (select event_id, starts_at from events),
gap as (select event_id, has_attendance_data from mart_event_gap),
known as (select * from records where occurred_at <= $cutoff),

committed as (
    select person_id from known
    group by person_id
    having bool_or(stage = 'commitment') and not bool_or(stage = 'action')
),
activity as (
    select k.person_id,
           date_diff('second', max(k.occurred_at), $cutoff) / 86400.0 as days_since_last,
           date_diff('second', min(k.occurred_at), $cutoff) / 86400.0 as days_since_first,
           count(distinct k.event_id) filter (where k.record_kind = 'registration')
               as registrations,
           count(distinct k.event_id) filter (
               where k.record_kind = 'registration' and c.starts_at > $cutoff) as upcoming,
           count(distinct k.event_id) filter (
               where k.record_kind = 'registration' and c.starts_at <= $cutoff
                 and g.has_attendance_data) as no_shows,
           count(distinct k.petition_id) filter (where k.record_kind = 'signature')
               as signatures,
           count(*) filter (where k.record_kind = 'email_open') as opens,
           count(*) filter (where k.record_kind = 'email_click') as clicks,
           bool_or(k.record_kind = 'email_subscribed') as on_list,
           arg_max(k.channel, {'at': k.occurred_at, 'tie': k.channel}) filter (
               where k.channel is not null and k.record_kind not like 'email%'
                 and k.occurred_at is not null) as channel
    from known as k
    join committed using (person_id)
    left join calendar as c using (event_id)
    left join gap as g using (event_id)
    group by k.person_id
),
acted_after as (
    select distinct person_id from records
    where stage = 'action' and occurred_at > $cutoff and occurred_at <= $until
),

final as (
    select a.*, f.person_id is not null as acted
    from activity as a
    left join acted_after as f using (person_id)
)

select * from final order by person_id
