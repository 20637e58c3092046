-- Version 7: what an older Turnout stored outside the keys and now withholds (the macros
-- of sql/staging/_privacy.sql are installed before migrations run).
-- Reasons that quoted an email, a phone or a name say "a value that looks like personal
-- data"; emails and phones in file names, campaigns, event names and platform-derived ids
-- are masked; channels and status words holding one become 'other'; ids holding one are
-- dropped. Records keep their row_hash: a later export of a changed record is loaded as a
-- change once. The figures are rebuilt by the next refresh.

update rejects set
    reject_code = reject_code || '_personal',
    reject_params = json_merge_patch(reject_params, '{"value": null, "event_id": null}'),
    reason = case reject_code
        when 'row.not_a_date' then
            'A value that looks like personal data is not a date and time (expected something like '
            || coalesce(reject_params ->> 'example', '') || '); it is not quoted here.'
        when 'row.not_a_number' then
            'A value that looks like personal data is not a number; it is not quoted here.'
        when 'row.negative_count' then
            'A negative count (a value that looks like personal data); a count cannot be below zero.'
        when 'row.scientific_id' then
            'An id was turned into scientific notation by Excel and its digits are lost. Export the file again and import it without opening it in Excel (or format the column as text first).'
        when 'row.unknown_event' then
            'The event of this row (a value that looks like personal data, not quoted here) is not in the events calendar: a row with a missing or extra cell?'
    end
where (reject_code in ('row.not_a_date', 'row.not_a_number', 'row.negative_count', 'row.scientific_id')
       and turnout_looks_personal(reject_params ->> 'value'))
   or (reject_code = 'row.unknown_event' and turnout_looks_personal(reject_params ->> 'event_id'));

-- reasons stored before codes were: their quoted emails and phones masked
update rejects set reason = turnout_masked(reason)
where reject_code is null and turnout_has_contact(reason);

update imports set file_name = turnout_masked(file_name) where turnout_has_contact(file_name);
update imports set campaign = turnout_masked(campaign) where turnout_has_contact(campaign);
update events set name = turnout_masked(name) where turnout_has_contact(name);
update events set kind = turnout_masked(kind) where turnout_has_contact(kind);
update events set campaign = turnout_masked(campaign) where turnout_has_contact(campaign);
update signatures set campaign = turnout_masked(campaign) where turnout_has_contact(campaign);
update signatures set petition_id = turnout_masked(petition_id)
where turnout_has_contact(petition_id);
update email_activity set campaign = turnout_masked(campaign) where turnout_has_contact(campaign);
update email_activity set email_campaign_id = turnout_masked(email_campaign_id)
where turnout_has_contact(email_campaign_id);
update post_snapshots set campaign = turnout_masked(campaign) where turnout_has_contact(campaign);
update petition_snapshots set campaign = turnout_masked(campaign)
where turnout_has_contact(campaign);

update registrations set channel = 'other' where turnout_has_contact(channel);
update checkins set channel = 'other' where turnout_has_contact(channel);
update signatures set channel = 'other' where turnout_has_contact(channel);
update registrations set status = 'other' where turnout_has_contact(status);

update registrations set source_ref = null
where turnout_has_email(source_ref) or turnout_has_written_phone(source_ref);
update signatures set source_ref = null
where turnout_has_email(source_ref) or turnout_has_written_phone(source_ref);
update identities set source_ref = null
where turnout_has_email(source_ref) or turnout_has_written_phone(source_ref);

-- the marts still hold the old values: the next writer rebuilds them
insert into pending_refresh
select max(import_id), true from imports having max(import_id) is not null
on conflict do nothing;
