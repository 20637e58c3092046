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

records as (select * from mart_person_records where not is_anonymous),
tiers as (select * from pyramid_tiers),
rules as (select * from pyramid_rules),
settings as (select * from pyramid_settings),

activity as (
    select distinct person_id, cast(date_trunc('month', occurred_at) as date) as month,
           turnout_pyramid_metric(record_kind) as metric,
           coalesce(event_id, petition_id, email_campaign_id, 'list') as item
    from records
    where occurred_at is not null
),

last_month as (select max(month) as month from activity),

occurrences as (
    -- each month an item occurs in, with the item's occurrences just before and after it
    select a.*,
           lag(a.month) over item_time as previous_month,
           lead(a.month) over item_time as next_month
    from activity as a
    window item_time as (partition by a.person_id, a.metric, a.item order by a.month)
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
    -- each metric's value from each month where it changes
    select person_id, metric, month,
           sum(sum(change)) over (partition by person_id, metric order by month) as value
    from value_changes
    group by person_id, metric, month
),

metric_ranks as (
    -- the highest tier each metric reaches on its own, from that month
    select v.person_id, v.month,
           max(case when v.metric = 'on_list' then coalesce(r.tier_rank, 0) end) as on_list,
           max(case when v.metric = 'email_opens' then coalesce(r.tier_rank, 0) end)
               as email_opens,
           max(case when v.metric = 'email_clicks' then coalesce(r.tier_rank, 0) end)
               as email_clicks,
           max(case when v.metric = 'signatures' then coalesce(r.tier_rank, 0) end)
               as signatures,
           max(case when v.metric = 'registrations' then coalesce(r.tier_rank, 0) end)
               as registrations,
           max(case when v.metric = 'events_attended' then coalesce(r.tier_rank, 0) end)
               as events_attended
    from metric_values as v
    left join rules as r on r.metric = v.metric and v.value >= r.at_least
    group by v.person_id, v.month
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
