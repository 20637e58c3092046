-- mart_person_milestones after a batch: the people whose records changed in
-- mart_person_records (new, changed or gone; merged or split by linking), but for records
-- that cannot change their row. A person's row (when they first committed and first
-- acted) is made of their own records alone.

-- full when: more than a tenth of people are redone: rebuilding is as fast
-- (the tenth: marts.FULL_SHARE; reading their records costs what rebuilding costs)
select (select count(*) from redo_key_values) > (select count(*) from people)
       * getvariable('turnout_full_share')

-- keys:
-- A person whose records only came (none went) keeps their row unless a commitment or an
-- action came dated before their first one (or they had none); other records (an email
-- opened) cannot change it.
with
added as (
    select person_id, stage, occurred_at
    from added_mart_person_records
    where not is_anonymous and stage in ('commitment', 'action')
)
select person_id from removed_mart_person_records where not is_anonymous
union
select a.person_id
from added as a
left join mart_person_milestones as m using (person_id)
where m.person_id is null
   or a.occurred_at < coalesce(case a.stage when 'commitment' then m.first_commitment_at
                                            else m.first_action_at end,
                               'infinity'::timestamp)

-- input mart_person_records:
select * from mart_person_records where person_id in (select person_id from redo_keys)
