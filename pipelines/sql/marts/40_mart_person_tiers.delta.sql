-- mart_person_tiers after a batch: the people whose spans changed in mart_person_tier_spans.
-- A person's row is made of their own spans and of the last month with data, which every
-- person's last span runs to: any person's spans give it. When the batch moves that month,
-- every person's spans change, and so does every row here.

-- full when: the spans of more than a tenth of people changed: rebuilding is as fast
-- (the tenth: marts.FULL_SHARE; a month that moves changes everyone's last span)
select (select count(*)
        from (select person_id from removed_mart_person_tier_spans
              union
              select person_id from added_mart_person_tier_spans))
       > (select count(*) from people) * getvariable('turnout_full_share')

-- keys:
select person_id from removed_mart_person_tier_spans
union
select person_id from added_mart_person_tier_spans

-- input mart_person_tier_spans:
select * from mart_person_tier_spans where person_id in (select person_id from redo_keys)
