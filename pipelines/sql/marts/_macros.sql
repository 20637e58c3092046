-- Macros the marts share, installed (as temporary macros) before every rebuild.

-- The 95% Wilson interval of a share p seen over n people: the range the true share
-- likely lies in, honest about how few people there were. z = 1.96, z^2 = 3.8416.
create or replace temp macro turnout_wilson_low(p, n) as (
    case when n > 0 and p is not null then greatest(0,
        (p + 3.8416 / (2 * n) - 1.96 * sqrt(p * (1 - p) / n + 3.8416 / (4 * n * n)))
        / (1 + 3.8416 / n))
    end);

create or replace temp macro turnout_wilson_high(p, n) as (
    case when n > 0 and p is not null then least(1,
        (p + 3.8416 / (2 * n) + 1.96 * sqrt(p * (1 - p) / n + 3.8416 / (4 * n * n)))
        / (1 + 3.8416 / n))
    end);

-- The ordering key of "the earliest record's value": by time, then by the value itself,
-- so that two records at the same time always give the same answer. Null when the time
-- is unknown, which arg_min skips. Use: arg_min(x, turnout_earliest(occurred_at, x)).
-- A byte string that sorts as the pair (moment, tie) does: arg_min compares it in one go
-- rather than field by field, as it would the struct {moment, tie} (the same answers; on
-- Spark, which has no create_sort_key, the struct: pipelines/engines/transpile.py).
create or replace temp macro turnout_earliest(moment, tie) as (
    case when moment is not null
         then create_sort_key(moment, 'ASC NULLS LAST', tie, 'ASC NULLS LAST') end);

-- "The earliest record's value" as one number that min() finds, where the values are
-- numbered (place: 1, 2, … in their order): the moment in its high bits, the place in its
-- low 32. Null when either is unknown, which min skips; turnout_place gives the place back.
-- Grouping millions of records, a number per group costs less than arg_min's text value
-- and key (mart_funnel_facts). On Spark, which has no 128-bit integer, the struct
-- {moment, place} (pipelines/engines/transpile.py).
create or replace temp macro turnout_time_and_place(moment, place) as (
    cast(epoch_us(moment) as hugeint) * 4294967296 + place);

create or replace temp macro turnout_place(time_and_place) as (
    cast(time_and_place & 4294967295 as bigint));

-- The slacktivism index: of the people who committed (signed, registered), the share who
-- never acted. Null when nobody committed. The one formula the marts, the report and the
-- dashboard read.
create or replace temp macro turnout_slacktivism(committed, acted) as (
    case when committed > 0 then (committed - acted) / committed end);

-- Only the latest snapshot of a thing counts: its lifetime totals as of the newest export.
-- Use: qualify turnout_is_latest(event_id, snapshot_at).
create or replace temp macro turnout_is_latest(thing, moment) as (
    row_number() over (partition by thing order by moment desc) = 1);

-- A registration's status that says the person is not coming, whichever platform wrote it
-- (stored lower case): Eventbrite `Not Attending` (its API: cancelled, refunded, deleted,
-- transferred), Zoom's approval `denied` / `rejected` / `cancelled`, Mobilize `CANCELLED`,
-- OSDI `declined` / `cancelled`. Staging marks is_cancelled with it; the marts apply it
-- again to the status, for rows that only say it there (a mapped file's status column).
create or replace temp macro turnout_is_cancelled(status) as (
    coalesce(lower(status) in ('not attending', 'cancelled', 'canceled', 'refunded',
                               'deleted', 'transferred', 'denied', 'rejected', 'declined'),
             false));

-- The pyramid metric a record counts in (pyramid.toml names them): every record that is
-- not on the list, an email, a signature or a registration is an attendance.
create or replace temp macro turnout_pyramid_metric(record_kind) as (
    case record_kind
        when 'email_subscribed' then 'on_list'
        when 'email_open' then 'email_opens'
        when 'email_click' then 'email_clicks'
        when 'signature' then 'signatures'
        when 'registration' then 'registrations'
        else 'events_attended'
    end);

-- The channel a record says brought the person, or null: a sign-in row saying nothing is
-- 'offline'.
create or replace temp macro turnout_known_channel(record_kind, channel) as (
    case when record_kind = 'checkin' then coalesce(channel, 'offline') else channel end);

-- A record with neither email, phone nor platform id is its own anonymous person: a
-- number below zero from its record id (an md5 as a 128-bit number: its first 15 hex
-- digits are its top 60 bits), where a linked person's id is the number of the first 15
-- hex digits of a key hash (pipelines/identity.py person_id_sql). On Spark, which reads
-- record ids as their hex digits, the digits themselves (pipelines/engines/transpile.py).
create or replace temp macro turnout_anonymous_person(record_id) as (
    -1 - cast(record_id >> 68 as bigint));

-- A 128-bit digest as its 32 hex digits: a key where a person reads it (a Zoom registrant's
-- email hash). Spark reads the digits themselves.
create or replace temp macro turnout_digest_text(digest) as (printf('%032x', digest));

-- A counted thing's id in mart_funnel_facts: the md5 of the text that names it, as a 128-bit
-- number (8 million of them at 10 million interactions: 16 bytes each rather than 64
-- characters, found among them in one compare). Spark, which has no 128-bit integer, keeps
-- the md5's 32 hex digits, as it does a record id's (pipelines/engines/transpile.py).
create or replace temp macro turnout_fact_id(fact) as (cast('0x' || md5(fact) as uhugeint));

-- The thing a person's record counts as, once per person: their registration or attendance
-- per event, signature per petition, open or click per email (mart_funnel_facts).
create or replace temp macro turnout_person_fact_id(stage, person_id, event_id, petition_id,
                                                    email_campaign_id) as (
    turnout_fact_id(stage || ':' || person_id || ':' || coalesce('event:' || event_id,
                    'petition:' || petition_id, 'email:' || email_campaign_id, '')));
