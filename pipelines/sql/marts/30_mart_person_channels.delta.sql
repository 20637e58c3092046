-- mart_person_channels after a batch: the people whose records changed in
-- mart_person_records (new, changed or gone; merged or split by linking), but for records
-- that cannot change their row. A person's row (the first channel that brought them,
-- their highest stage) is made of their own records alone.

-- full when: more than a tenth of people are redone: rebuilding is as fast
-- (the tenth: marts.FULL_SHARE; reading their records costs what rebuilding costs)
select (select count(*) from redo_key_values) > (select count(*) from people)
       * getvariable('turnout_full_share')

-- keys:
-- A person whose records only came (none went) keeps their row unless one of them is of a
-- higher stage, or says a channel no later than the first one they had (or they had none).
with
added as (
    select person_id, occurred_at, stage_rank,
           turnout_known_channel(record_kind, channel) as known_channel
    from added_mart_person_records
    where not is_anonymous
)
select person_id from removed_mart_person_records where not is_anonymous
union
select a.person_id
from added as a
left join mart_person_channels as m using (person_id)
where m.person_id is null
   or a.stage_rank > coalesce(m.stage_rank, -1)
   or (a.known_channel is not null
       and (m.first_channel_at is null or a.occurred_at <= m.first_channel_at))

-- input mart_person_records:
select * from mart_person_records where person_id in (select person_id from redo_keys)
