-- mart_event_attendance after a batch: the events whose people changed in
-- mart_person_records, whose attendance data changed (mart_event_gap), whose registrations
-- it touched (a cancelled one still names its person's ids), or whose registrants' keys
-- linking gave to another person. Each event's rows are made of that event's rows only.

-- keys:
select event_id from removed_mart_person_records where event_id is not null
union select event_id from added_mart_person_records where event_id is not null
union select event_id from removed_mart_event_gap
union select event_id from added_mart_event_gap
union select event_id from batch_registrations
union
select event_id from registrations
where coalesce(email_key, phone_key, platform_key) in (select key_hash from moved_keys)

-- input mart_person_records:
select * from mart_person_records where event_id in (select event_id from redo_keys)

-- input mart_event_gap:
select * from mart_event_gap where event_id in (select event_id from redo_keys)

-- input registrations:
select * from registrations where event_id in (select event_id from redo_keys)
