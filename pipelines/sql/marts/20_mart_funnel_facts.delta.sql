-- mart_funnel_facts after a batch: the facts whose records changed in mart_person_records
-- (one fact per person, stage and thing: every record of that group is read again; a
-- place on the email list is one record) and the aggregate facts that changed.

-- keys:
with changed as (
    select * from removed_mart_person_records
    union all
    select * from added_mart_person_records
)
select turnout_person_fact_id(stage, person_id, event_id, petition_id, email_campaign_id)
           as fact_id,
       stage, person_id, event_id, petition_id, email_campaign_id, null as record_id,
       null as aggregate_fact_id
from changed
where is_interaction
union
select record_id, null, null, null, null, null, record_id, null
from changed
where not is_interaction
union
select turnout_fact_id(fact_id), null, null, null, null, null, null, fact_id
from (select fact_id from removed_mart_aggregate_facts
      union all
      select fact_id from added_mart_aggregate_facts)

-- input mart_person_records: as a table
-- (a table, copied once: the mart reads its records twice, once to number their campaigns
-- and sources, and a view would find them among every record each time)
with
groups as (
    select distinct stage, person_id, event_id, petition_id, email_campaign_id
    from redo_keys where person_id is not null
)
select r.* from mart_person_records as r
semi join groups as g
    on g.stage = r.stage and g.person_id = r.person_id
   and g.event_id is not distinct from r.event_id
   and g.petition_id is not distinct from r.petition_id
   and g.email_campaign_id is not distinct from r.email_campaign_id
where r.is_interaction
union all
select * from mart_person_records
where not is_interaction and record_id in (select record_id from redo_keys)

-- input mart_aggregate_facts:
select * from mart_aggregate_facts
where fact_id in (select aggregate_fact_id from redo_keys)
