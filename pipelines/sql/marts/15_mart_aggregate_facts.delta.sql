-- mart_aggregate_facts after a batch: the facts of the posts, Facebook events and
-- petitions whose snapshots it touched, of the events whose calendar row it changed, and
-- of the petitions whose imported signers changed.

-- keys:
with
posts as (select distinct post_id from batch_post_snapshots),
facebook_events as (
    select event_id from batch_facebook_event_snapshots
    union select event_id from batch_events
),
petitions as (
    select petition_id from batch_petition_snapshots
    union select petition_id from removed_mart_person_records where record_kind = 'signature'
    union select petition_id from added_mart_person_records where record_kind = 'signature'
)
select 'post:' || post_id || ':' || stage as fact_id, post_id, null as event_id,
       null as petition_id
from posts cross join (values ('awareness'), ('engagement')) as stages (stage)
union all
select 'facebook:' || event_id || ':' || stage, null, event_id, null
from facebook_events cross join (values ('engagement'), ('commitment')) as stages (stage)
union all
select 'petition:' || petition_id, null, null, petition_id from petitions

-- input post_snapshots:
select * from post_snapshots where post_id in (select post_id from redo_keys)

-- input facebook_event_snapshots:
select * from facebook_event_snapshots where event_id in (select event_id from redo_keys)

-- input petition_snapshots:
select * from petition_snapshots where petition_id in (select petition_id from redo_keys)

-- input mart_person_records:
select * from mart_person_records
where record_kind = 'signature' and petition_id in (select petition_id from redo_keys)
