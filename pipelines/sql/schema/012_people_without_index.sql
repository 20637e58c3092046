-- Version 12: people and their keys keep no primary-key index either. Linking people
-- writes one row per key and one per person (whole tables after a full relink), and the
-- uniqueness the index checked is the linking's own result: one row per key hash in
-- person_keys, one per person id in people (pipelines/identity.py). The two indexes sat in
-- memory, outside the spilling the memory limit allows: at 1M interactions they held
-- 80 MB through the whole refresh; with ten times the people at 10M, about ten times that
-- of the import's 1 GB.

create table person_keys_unindexed (
    key_hash   varchar not null,
    key_kind   varchar not null,   -- email | phone | platform
    person_id  varchar not null
);
insert into person_keys_unindexed select * from person_keys;
drop table person_keys;
alter table person_keys_unindexed rename to person_keys;

create table people_unindexed (
    person_id      varchar not null,
    count_keys     integer not null,
    first_seen_at  timestamp
);
insert into people_unindexed select * from people;
drop table people;
alter table people_unindexed rename to people;
