-- mart_person_channels after a batch: the people whose records changed in
-- mart_person_records (new, changed or gone; merged or split by linking). A person's
-- row (the first channel that brought them, their highest stage) is made of their own
-- records alone.

-- full when: the batch reaches more than a tenth of people: rebuilding is as fast
-- (the tenth: marts.FULL_SHARE)
-- (a newsletter reaches four in ten: reading their records costs what rebuilding costs)
select (select count(*) from batch_keys) > (select count(*) from people)
       * getvariable('turnout_full_share')

-- keys:
select person_id from removed_mart_person_records where not is_anonymous
union
select person_id from added_mart_person_records where not is_anonymous

-- input mart_person_records:
select * from mart_person_records where person_id in (select person_id from redo_keys)
