-- mart_person_channels after a batch: the people whose records changed in mart_person_records (new,
-- changed or gone; merged or split by linking). Each person's row is made of their own
-- records only.

-- keys:
select person_id from removed_mart_person_records where not is_anonymous
union
select person_id from added_mart_person_records where not is_anonymous

-- input mart_person_records:
select * from mart_person_records where person_id in (select person_id from redo_keys)
