-- mart_person_tier_spans: each identified person's pyramid tier over time, as spans of
--                         months on one tier (mart_person_months spells them out by month).
-- grain: one row per (person_id, from_month): the months from_month..to_month on one tier,
--        from the person's first month to the last month with data; consecutive spans
--        differ in tier. Tier rules come from pyramid.toml (temp tables pyramid_*).
-- A metric's value in a month is the number of distinct items (events, petitions, emails)
-- done in that month or the window_months - 1 months before (window 0: ever). Each item
-- adds 1 from an occurrence until window_months - 1 months after its latest occurrence
-- in a run, so a value changes only at the months where such a run starts or ends.
-- upstream: mart_person_records, pyramid_tiers, pyramid_rules, pyramid_settings
-- refresh: incremental by person_id
with

-- (not materialized: read again where it is used rather than copied once, every row; the
-- second read keeps only the records of items done in more than one month)
records as not materialized (
    select person_id, cast(date_trunc('month', occurred_at) as date) as month,
           turnout_pyramid_metric(record_kind) as metric,
           coalesce(event_id, petition_id, email_campaign_id, 'list') as item
    from mart_person_records
    where not is_anonymous and occurred_at is not null
),
tiers as (select * from pyramid_tiers),
rules as (select * from pyramid_rules),
settings as (select * from pyramid_settings),

items as (
    -- each item a person did under each metric, with the first and last month they did it
    select person_id, metric, item, min(month) as first_month, max(month) as final_month
    from records
    group by person_id, metric, item
),

last_month as (select max(final_month) as month from items),

occurrences as (
    -- each month an item occurs in, with the item's occurrences just before and after it:
    -- none for an item done in one month (nearly every one), found in order for the others
    select person_id, metric, first_month as month,
           cast(null as date) as previous_month, cast(null as date) as next_month
    from items
    where first_month = final_month
    union all
    select person_id, metric, month,
           lag(month) over item_time as previous_month,
           lead(month) over item_time as next_month
    from (select distinct r.person_id, r.month, r.metric, r.item
          from records as r
          semi join (select * from items where first_month < final_month) as i
                 on i.person_id = r.person_id and i.metric = r.metric and i.item = r.item)
    window item_time as (partition by person_id, metric, item order by month)
),

value_changes as (
    -- an item adds 1 from an occurrence that starts a run (the item's previous occurrence
    -- has left the window) and takes it back window_months after the occurrence that ends
    -- the run (its next one is out of the window); with window 0 it counts for ever
    select o.person_id, o.metric, o.month, 1 as change
    from occurrences as o
    cross join settings
    where o.previous_month is null
       or (settings.window_months > 0
           and o.month >= o.previous_month + to_months(settings.window_months))
    union all
    select o.person_id, o.metric, cast(o.month + to_months(settings.window_months) as date), -1
    from occurrences as o
    cross join settings
    cross join last_month
    where settings.window_months > 0
      and (o.next_month is null
           or o.next_month >= o.month + to_months(settings.window_months))
      and o.month + to_months(settings.window_months) <= last_month.month
),

metric_values as (
    -- each metric's value from each month where it changes, and its value before that
    -- month (the months as numbers, so that the frame can stop one month before)
    select person_id, metric, month,
           sum(change) over (partition by person_id, metric order by month_number) as value,
           coalesce(sum(change) over (partition by person_id, metric order by month_number
                                      range between unbounded preceding and 1 preceding),
                    0) as value_before
    from (select *, date_diff('month', date '2000-01-01', month) as month_number
          from value_changes)
),

metric_steps as (
    -- the highest tier a metric reaches on its own from each of its thresholds up to the
    -- next: a higher count meets every rule a lower one meets, so it places as high or higher
    select metric, at_least,
           max(max(tier_rank)) over (partition by metric order by at_least) as tier_rank,
           lead(at_least) over (partition by metric order by at_least) as next_at_least
    from rules
    group by metric, at_least
),

rank_changes as (
    -- the tier each metric reaches on its own, in the months where that changes and in the
    -- months where the metric starts from nothing (the person's first month among them):
    -- in its other months the metric leaves the person's tier as it was
    select v.person_id, v.month, v.metric, coalesce(now.tier_rank, 0) as tier_rank
    from metric_values as v
    left join metric_steps as now
           on now.metric = v.metric and v.value >= now.at_least
          and (now.next_at_least is null or v.value < now.next_at_least)
    left join metric_steps as before
           on before.metric = v.metric and v.value_before >= before.at_least
          and (before.next_at_least is null or v.value_before < before.next_at_least)
    where v.value_before = 0
       or coalesce(now.tier_rank, 0) <> coalesce(before.tier_rank, 0)
),

metric_ranks as (
    -- the tier each metric reaches on its own, from each month where one changes
    select person_id, month,
           max(case when metric = 'on_list' then tier_rank end) as on_list,
           max(case when metric = 'email_opens' then tier_rank end) as email_opens,
           max(case when metric = 'email_clicks' then tier_rank end) as email_clicks,
           max(case when metric = 'signatures' then tier_rank end) as signatures,
           max(case when metric = 'registrations' then tier_rank end) as registrations,
           max(case when metric = 'events_attended' then tier_rank end) as events_attended
    from rank_changes
    group by person_id, month
),

tier_changes as (
    -- the person's tier from each month where a metric changes: every metric as it stands
    select person_id, month,
           greatest(
               coalesce(last_value(on_list ignore nulls) over person_time, 0),
               coalesce(last_value(email_opens ignore nulls) over person_time, 0),
               coalesce(last_value(email_clicks ignore nulls) over person_time, 0),
               coalesce(last_value(signatures ignore nulls) over person_time, 0),
               coalesce(last_value(registrations ignore nulls) over person_time, 0),
               coalesce(last_value(events_attended ignore nulls) over person_time, 0)
           ) as tier_rank
    from metric_ranks
    window person_time as (partition by person_id order by month
                           rows between unbounded preceding and current row)
),

span_starts as (
    -- a span starts where the tier differs from the month before
    select person_id, month, tier_rank,
           lag(tier_rank) over (partition by person_id order by month) as previous_rank
    from tier_changes
    qualify previous_rank is null or previous_rank <> tier_rank
),

final as (
    select s.person_id, s.month as from_month,
           coalesce(cast(lead(s.month) over (partition by s.person_id order by s.month)
                         - interval 1 month as date), last_month.month) as to_month,
           s.tier_rank, tiers.tier
    from span_starts as s
    cross join last_month
    join tiers on tiers.tier_rank = s.tier_rank
)

select * from final
