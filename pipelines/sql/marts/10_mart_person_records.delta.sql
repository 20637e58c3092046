-- mart_person_records after a batch: the records the batch added, changed, removed or put
-- back, the records of events whose calendar row it changed, and the records of people
-- whose keys linking gave to another person (a merge, a split). Each record comes with its
-- partition (its event, petition or email campaign: pipelines/targets.py), so that reading
-- it back, from its table and from this mart ("within"), skips the other partitions' rows
-- instead of comparing every stored record id. person_keys is read whole: looking up the
-- records' keys in all of it costs less than first picking out those keys (a second pass
-- over the records' rows). A few records (a sign-in sheet's) are copied into tables first:
-- DuckDB then knows how few they are and builds its lookup from them, where over views it
-- builds it from every key (1.7M at 10M); for many, the copy costs more than it saves
-- (mart_delta.FEW_KEYS).

-- keys: within event_id, petition_id, email_campaign_id
select record_id, event_id, cast(null as varchar) as petition_id,
       cast(null as varchar) as email_campaign_id
from batch_registrations
union select record_id, event_id, null, null from batch_checkins
union select record_id, null, petition_id, null from batch_signatures
union select record_id, null, null, email_campaign_id from batch_email_activity
union
select record_id, event_id, petition_id, email_campaign_id from mart_person_records
where event_id in (select event_id from batch_events)
union
select record_id, event_id, petition_id, email_campaign_id from mart_person_records
where person_id in (select person_before from moved_keys)

-- input registrations: as a table when few
select * from registrations semi join redo_keys using (event_id, record_id)

-- input checkins: as a table when few
select * from checkins semi join redo_keys using (event_id, record_id)

-- input signatures: as a table when few
select * from signatures semi join redo_keys using (petition_id, record_id)

-- input email_activity: as a table when few
-- (list membership has no email campaign)
select * from email_activity semi join redo_keys using (email_campaign_id, record_id)
union all
select * from email_activity
where email_campaign_id is null
  and record_id in (select record_id from redo_keys
                    where coalesce(event_id, petition_id, email_campaign_id) is null)

