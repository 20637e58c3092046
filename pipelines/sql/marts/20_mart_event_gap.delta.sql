-- mart_event_gap after a batch: the events whose calendar row, registrations, sign-ins,
-- Facebook counts or people (in mart_person_records) it changed. Each event's row is
-- made of that event's rows only.

-- keys:
select event_id from batch_events
union select event_id from batch_registrations
union select event_id from batch_checkins
union select event_id from batch_facebook_event_snapshots
union select event_id from removed_mart_person_records where event_id is not null
union select event_id from added_mart_person_records where event_id is not null

-- input events:
select * from events where event_id in (select event_id from redo_keys)

-- input mart_person_records:
select * from mart_person_records where event_id in (select event_id from redo_keys)

-- input registrations:
select * from registrations where event_id in (select event_id from redo_keys)

-- input checkins:
select * from checkins where event_id in (select event_id from redo_keys)

-- input facebook_event_snapshots:
select * from facebook_event_snapshots where event_id in (select event_id from redo_keys)
