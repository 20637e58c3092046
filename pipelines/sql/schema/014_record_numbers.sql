-- Version 14: a record's id and its row hash are kept as numbers, not as text. Both are
-- md5 digests; the 32 hex digits become the 128-bit number they write (UHUGEINT,
-- turnout_digest in sql/staging/_macros.sql): 16 bytes that join, compare and sort as one
-- value, where the text took 32 characters. The numbers are those of the old digits, so a
-- record imported again keeps its id, an anonymous sign-in keeps its person number, and
-- no mart needs rebuilding. The hand-over to Spark writes the hex digits again. Run again
-- on numbers, it keeps them.

create or replace temp macro turnout_digest_as_number(digest) as
    case when typeof(digest) = 'UHUGEINT' then cast(digest as uhugeint)
         else cast('0x' || digest as uhugeint) end;

alter table registrations alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table registrations alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table registrations_replaced alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table registrations_replaced alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table registrations_removed alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table registrations_removed alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table checkins alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table checkins alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table checkins_replaced alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table checkins_replaced alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table checkins_removed alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table checkins_removed alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table signatures alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table signatures alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table signatures_replaced alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table signatures_replaced alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table signatures_removed alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table signatures_removed alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table email_activity alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table email_activity alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table email_activity_replaced alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table email_activity_replaced alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table email_activity_removed alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table email_activity_removed alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table identities alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table identities alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table identities_replaced alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table identities_replaced alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);
alter table identities_removed alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
alter table identities_removed alter row_hash set data type uhugeint
    using turnout_digest_as_number(row_hash);

-- built by the marts' first refresh: absent from a database that has not had one
alter table if exists mart_person_records alter record_id set data type uhugeint
    using turnout_digest_as_number(record_id);
