-- Imports whose rows have landed but are not yet in the figures (people links, marts,
-- models). A batch of files refreshes them once, when its last file is done; a batch cut
-- short leaves its imports here, and the next writer refreshes them.
create table pending_refresh (
    import_id        integer primary key,
    replaced_records boolean not null   -- it replaced records: people are relinked in full
);
