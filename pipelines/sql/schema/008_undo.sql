-- What an import replaced is kept, so that the import can be undone.
-- A row an import replaces (an Eventbrite "Attending" that became "Checked In", a calendar
-- line renamed) moves to <table>_replaced with the id of the import that replaced it.
-- A migration that adds a column to a canonical table adds it to its _replaced twin too.

create table if not exists events_replaced as select *, null::integer as replaced_by from events limit 0;
create table if not exists registrations_replaced as
    select *, null::integer as replaced_by from registrations limit 0;
create table if not exists checkins_replaced as select *, null::integer as replaced_by from checkins limit 0;
create table if not exists signatures_replaced as
    select *, null::integer as replaced_by from signatures limit 0;
create table if not exists email_activity_replaced as
    select *, null::integer as replaced_by from email_activity limit 0;
create table if not exists identities_replaced as
    select *, null::integer as replaced_by from identities limit 0;
create table if not exists post_snapshots_replaced as
    select *, null::integer as replaced_by from post_snapshots limit 0;
create table if not exists facebook_event_snapshots_replaced as
    select *, null::integer as replaced_by from facebook_event_snapshots limit 0;
create table if not exists petition_snapshots_replaced as
    select *, null::integer as replaced_by from petition_snapshots limit 0;

-- imports that were undone: the history keeps a line for each
create table if not exists undone_imports (
    import_id      integer not null,
    file_name      varchar not null,
    source         varchar not null,
    imported_at    timestamp not null,
    undone_at      timestamp not null,
    rows_removed   bigint not null,
    rows_restored  bigint not null
);
