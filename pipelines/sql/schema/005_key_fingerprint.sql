-- Version 5: the fingerprint of the key that hashes emails and phone numbers (an HMAC of a
-- fixed text, never the key), so an import refuses a key the database was not built with.
-- The latest row is the database's key; a row 'rekey' marks where people split in two.

create table key_fingerprints (
    fingerprint   varchar not null,
    recorded_at   timestamp not null,
    reason        varchar not null,  -- new_database | existing_data | rekey
    after_import  integer            -- the last import hashed with the previous key
);
