-- mart_person_months: each identified person's pyramid tier at the end of each month.
-- grain: one row per (person_id, month), from the person's first month to the last month
--        with data. Tier rules come from pyramid.toml (temp tables pyramid_*).
-- upstream: mart_person_records, pyramid_tiers, pyramid_rules, pyramid_settings
with

records as (select * from mart_person_records where not is_anonymous),
tiers as (select * from pyramid_tiers),
rules as (select * from pyramid_rules),
settings as (select * from pyramid_settings),

activity as (
    select distinct person_id, cast(date_trunc('month', occurred_at) as date) as month,
           case record_kind
               when 'email_subscribed' then 'on_list'
               when 'email_open' then 'email_opens'
               when 'email_click' then 'email_clicks'
               when 'signature' then 'signatures'
               when 'registration' then 'registrations'
               else 'events_attended'
           end as metric,
           coalesce(event_id, petition_id, email_campaign_id, 'list') as item
    from records
    where occurred_at is not null
),

months as (
    select cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date)
        as month
    from activity
),

person_months as (
    select starts.person_id, months.month
    from (select person_id, min(month) as first_month from activity group by person_id)
        as starts
    join months on months.month >= starts.first_month
),

covered as (
    -- an item counts in the month it happened and the window_months - 1 months after
    select a.person_id, a.metric, a.item,
           cast(unnest(generate_series(a.month,
               case when settings.window_months = 0 then last.month
                    else least(last.month, a.month + to_months(settings.window_months - 1))
               end, interval 1 month)) as date) as month
    from activity as a
    cross join settings
    cross join (select max(month) as month from activity) as last
),

metric_values as (
    -- what each person did within the window that ends with the month
    select person_id, month, metric, count(distinct item) as value
    from covered
    group by all
),

reached as (
    select m.person_id, m.month, max(rules.tier_rank) as tier_rank
    from metric_values as m
    join rules on rules.metric = m.metric and m.value >= rules.at_least
    group by all
),

final as (
    select pm.person_id, pm.month, coalesce(r.tier_rank, 0) as tier_rank, tiers.tier
    from person_months as pm
    left join reached as r using (person_id, month)
    join tiers on tiers.tier_rank = coalesce(r.tier_rank, 0)
)

select * from final
