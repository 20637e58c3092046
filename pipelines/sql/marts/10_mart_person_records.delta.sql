-- mart_person_records after a batch: the records the batch added, changed, removed or put
-- back, the records of events whose calendar row it changed, and the records of people
-- whose keys linking gave to another person (a merge, a split).

-- keys:
select record_id from batch_registrations
union select record_id from batch_checkins
union select record_id from batch_signatures
union select record_id from batch_email_activity
union
select record_id from mart_person_records
where event_id in (select event_id from batch_events)
   or person_id in (select person_before from moved_keys)

-- input registrations:
select * from registrations where record_id in (select record_id from redo_keys)

-- input checkins:
select * from checkins where record_id in (select record_id from redo_keys)

-- input signatures:
select * from signatures where record_id in (select record_id from redo_keys)

-- input email_activity:
select * from email_activity where record_id in (select record_id from redo_keys)
