-- Version 10: the refresh after a batch updates the marts from the rows the batch touched
-- (pipelines/marts.py), instead of rebuilding every mart from every row.

-- How each mart was last brought up to date, and with which code: a mart whose SQL (or
-- pyramid rules) changed since is rebuilt in full, and so is every mart that reads it.
-- Empty on a database upgraded to this version: its first refresh rebuilds every mart.
-- A later migration that rewrites canonical rows in place (as 007 did) empties this table.
create table if not exists mart_refresh_state (
    mart          varchar primary key,
    code_hash     varchar not null,   -- its SQL, its delta SQL, the macros, the rules
    refreshed_at  timestamp not null,
    how           varchar not null    -- full | incremental | view
);

-- What an undo removed, until the refresh after it has taken the rows out of the marts
-- (pipelines/undo.py writes them, pipelines/refresh.py reads and then empties them).
-- A migration that adds a column to a canonical table adds it to its _removed twin too.
create table if not exists events_removed as
    select *, null::integer as removed_by from events limit 0;
create table if not exists registrations_removed as
    select *, null::integer as removed_by from registrations limit 0;
create table if not exists checkins_removed as
    select *, null::integer as removed_by from checkins limit 0;
create table if not exists signatures_removed as
    select *, null::integer as removed_by from signatures limit 0;
create table if not exists email_activity_removed as
    select *, null::integer as removed_by from email_activity limit 0;
create table if not exists identities_removed as
    select *, null::integer as removed_by from identities limit 0;
create table if not exists post_snapshots_removed as
    select *, null::integer as removed_by from post_snapshots limit 0;
create table if not exists facebook_event_snapshots_removed as
    select *, null::integer as removed_by from facebook_event_snapshots limit 0;
create table if not exists petition_snapshots_removed as
    select *, null::integer as removed_by from petition_snapshots limit 0;
