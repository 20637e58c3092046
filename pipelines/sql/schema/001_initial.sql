-- Version 1 of the warehouse: the canonical tables every import writes.
-- Emails and phone numbers never appear here: only keyed hashes (*_key columns).

create table imports (
    import_id       integer primary key,
    file_name       varchar not null,
    sha256          varchar not null,
    source          varchar not null,
    campaign        varchar,
    event_id        varchar,
    exported_at     timestamp,
    imported_at     timestamp not null,
    rows_read       bigint not null,
    rows_loaded     bigint not null,
    rows_duplicate  bigint not null,
    rows_rejected   bigint not null
);

create table rejects (
    import_id    integer not null,
    line         bigint,
    column_name  varchar,
    reason       varchar not null
);

-- the campaign calendar
create table events (
    event_id              varchar primary key,
    name                  varchar,
    starts_at             timestamp,
    kind                  varchar,
    campaign              varchar,
    is_online             boolean,
    reminder_sent         boolean,
    eventbrite_event_id   varchar,
    zoom_webinar_id       varchar,
    mobilize_event_id     varchar,
    facebook_event_id     varchar,
    import_id             integer
);

-- people and their keys are rebuilt from the records after every import
create table person_keys (
    key_hash   varchar primary key,
    key_kind   varchar not null,   -- email | phone | platform
    person_id  varchar not null
);

create table people (
    person_id      varchar primary key,
    count_keys     integer not null,
    first_seen_at  timestamp
);

-- per-person records ----------------------------------------------------------
create table registrations (
    record_id        varchar primary key,
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

create table checkins (
    record_id     varchar primary key,
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

create table signatures (
    record_id     varchar primary key,
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

create table email_activity (
    record_id          varchar primary key,
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

-- records that only link keys together (an OSDI person, an Action Network activist)
create table identities (
    record_id     varchar primary key,
    source        varchar not null,
    import_id     integer not null,
    email_key     varchar,
    phone_key     varchar,
    platform_key  varchar,
    source_ref    varchar,
    exported_at   timestamp,
    row_hash      varchar not null
);

-- aggregate snapshots: lifetime totals as of a time; the latest one counts ----------
create table post_snapshots (
    post_id       varchar not null,
    platform      varchar not null,     -- facebook | instagram | x
    campaign      varchar,
    published_at  timestamp,
    exported_at   timestamp not null,
    reach         bigint,
    impressions   bigint,
    reactions     bigint,
    comments      bigint,
    shares        bigint,
    clicks        bigint,
    import_id     integer not null,
    primary key (post_id, exported_at)
);

create table facebook_event_snapshots (
    event_id     varchar not null,
    snapshot_at  timestamp not null,
    going        bigint,
    interested   bigint,
    maybe        bigint,
    declined     bigint,
    import_id    integer not null,
    primary key (event_id, snapshot_at)
);

create table petition_snapshots (
    petition_id      varchar not null,
    petition_name    varchar,
    campaign         varchar,
    snapshot_at      timestamp not null,
    signature_count  bigint not null,
    import_id        integer not null,
    primary key (petition_id, snapshot_at)
);
