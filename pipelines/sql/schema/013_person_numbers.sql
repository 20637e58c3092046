-- Version 13: a person is known inside the warehouse by a number, not by text. The id
-- 'p' + 15 hex digits becomes the BIGINT those digits write (pipelines/identity.py
-- person_id_sql), which every mart joins, groups and sorts several times faster than a
-- 16-character string. People still read 'p' + the same 15 digits (person_label_sql).
-- The marts and the models' kept rows hold the old text ids: every mart is rebuilt by the
-- next refresh, and every model's rows are read again. Run again on numbers, it keeps them.

create table person_keys_numbered (
    key_hash   varchar not null,
    key_kind   varchar not null,   -- email | phone | platform
    person_id  bigint not null
);
insert into person_keys_numbered
select key_hash, key_kind,
       coalesce(try_cast(person_id as bigint),
                try_cast('0x' || substr(person_id::varchar, 2) as bigint))
from person_keys;
drop table person_keys;
alter table person_keys_numbered rename to person_keys;

create table people_numbered (
    person_id      bigint not null,
    count_keys     integer not null,
    first_seen_at  timestamp
);
insert into people_numbered
select coalesce(try_cast(person_id as bigint),
                try_cast('0x' || substr(person_id::varchar, 2) as bigint)),
       count_keys, first_seen_at
from people;
drop table people;
alter table people_numbered rename to people;

delete from mart_refresh_state;
drop table if exists model_follow_up_people;
drop table if exists model_follow_up_sources;
drop table if exists model_follow_up_basis;
drop table if exists model_follow_up_events;
drop table if exists model_forecast_registrations;
drop table if exists model_forecast_basis;
drop table if exists model_forecast_events;
