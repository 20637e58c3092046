-- Version 15: a person's keys are kept as numbers, not as text. A key is the keyed sha256 of
-- an email, a phone or a platform id (turnout_key in sql/staging/_privacy.sql); its first 32
-- hex digits become the 128-bit number they write (UHUGEINT, turnout_key_number in
-- sql/staging/_macros.sql): 16 bytes that join and compare as one value, where the text took
-- 64 characters. A person's id is the number of the first 15 digits of their smallest key,
-- so people keep their numbers. Imports still read the 64 digits, from which a record's
-- reference and its row hash are made, so a record imported again is known as before. The
-- hand-over to Spark writes the 32 digits. Run again on numbers, it keeps them (and on their
-- decimal text, which version 13 run again leaves in person_keys).

create or replace temp macro turnout_key_as_number(key_hash) as
    case when typeof(key_hash) = 'UHUGEINT' then cast(key_hash as uhugeint)
         when length(cast(key_hash as varchar)) = 64
             then cast('0x' || left(cast(key_hash as varchar), 32) as uhugeint)
         else cast(cast(key_hash as varchar) as uhugeint) end;

alter table registrations alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table registrations alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table registrations alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table registrations_replaced alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table registrations_replaced alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table registrations_replaced alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table registrations_removed alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table registrations_removed alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table registrations_removed alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table checkins alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table checkins alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table checkins_replaced alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table checkins_replaced alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table checkins_removed alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table checkins_removed alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table signatures alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table signatures alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table signatures alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table signatures_replaced alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table signatures_replaced alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table signatures_replaced alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table signatures_removed alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table signatures_removed alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table signatures_removed alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table email_activity alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table email_activity_replaced alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table email_activity_removed alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table identities alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table identities alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table identities alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table identities_replaced alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table identities_replaced alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table identities_replaced alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table identities_removed alter email_key set data type uhugeint
    using turnout_key_as_number(email_key);
alter table identities_removed alter phone_key set data type uhugeint
    using turnout_key_as_number(phone_key);
alter table identities_removed alter platform_key set data type uhugeint
    using turnout_key_as_number(platform_key);
alter table person_keys alter key_hash set data type uhugeint
    using turnout_key_as_number(key_hash);
