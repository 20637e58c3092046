-- Per-person records keep no primary-key index: an index over millions of random
-- record ids made every import insert slowly and sat in memory. Each import's merge
-- already keeps record ids unique (one row per id in a file, matched against the table
-- before anything is inserted).

create table registrations_unindexed (
    record_id        varchar not null,
    source           varchar not null,
    import_id        integer not null,
    event_id         varchar not null,
    email_key        varchar,
    phone_key        varchar,
    platform_key     varchar,
    source_ref       varchar,      -- the source system's own id: attendee #, user id, uuid
    registered_at    timestamp,
    status           varchar,
    is_cancelled     boolean not null,
    attended         boolean,      -- null: unknown, never a no-show
    minutes_attended double,
    channel          varchar,
    exported_at      timestamp,
    row_hash         varchar not null
);
insert into registrations_unindexed select * from registrations;
drop table registrations;
alter table registrations_unindexed rename to registrations;

create table checkins_unindexed (
    record_id     varchar not null,
    source        varchar not null,
    import_id     integer not null,
    event_id      varchar not null,
    email_key     varchar,
    phone_key     varchar,
    signed_in_at  timestamp,
    channel       varchar,        -- "heard from": flyer, friend, radio, place of worship...
    exported_at   timestamp,
    row_hash      varchar not null
);
insert into checkins_unindexed select * from checkins;
drop table checkins;
alter table checkins_unindexed rename to checkins;

create table signatures_unindexed (
    record_id     varchar not null,
    source        varchar not null,
    import_id     integer not null,
    petition_id   varchar not null,
    campaign      varchar,
    email_key     varchar,
    phone_key     varchar,
    platform_key  varchar,
    source_ref    varchar,
    signed_at     timestamp,
    channel       varchar,
    exported_at   timestamp,
    row_hash      varchar not null
);
insert into signatures_unindexed select * from signatures;
drop table signatures;
alter table signatures_unindexed rename to signatures;

create table email_activity_unindexed (
    record_id          varchar not null,
    source             varchar not null,
    import_id          integer not null,
    email_campaign_id  varchar,          -- null for list membership
    campaign           varchar,
    email_key          varchar not null,
    action             varchar not null, -- subscribed | open | click
    occurred_at        timestamp,
    exported_at        timestamp,
    row_hash           varchar not null
);
insert into email_activity_unindexed select * from email_activity;
drop table email_activity;
alter table email_activity_unindexed rename to email_activity;

create table identities_unindexed (
    record_id     varchar not null,
    source        varchar not null,
    import_id     integer not null,
    email_key     varchar,
    phone_key     varchar,
    platform_key  varchar,
    source_ref    varchar,
    exported_at   timestamp,
    row_hash      varchar not null
);
insert into identities_unindexed select * from identities;
drop table identities;
alter table identities_unindexed rename to identities;
