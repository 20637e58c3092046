-- mart_funnel_facts: each thing the funnel counts, deduplicated as METRICS.md says.
-- grain: one row per fact_id: a post's latest reach or engagement, an event's latest
--        Facebook counts, a distinct (person, email campaign) open/click, a distinct
--        (person, event) registration or attendance, a distinct (person, petition)
--        signature, a petition's signers beyond those imported, a place on the email list.
-- upstream: mart_person_records, post_snapshots, facebook_event_snapshots,
--           petition_snapshots, events
with

records as (select * from mart_person_records),
calendar as (select event_id, campaign, starts_at from events),
latest_posts as (
    select * from post_snapshots
    qualify row_number() over (partition by post_id order by exported_at desc) = 1
),
latest_facebook as (
    select * from facebook_event_snapshots
    qualify row_number() over (partition by event_id order by snapshot_at desc) = 1
),
latest_petitions as (
    select * from petition_snapshots
    qualify row_number() over (partition by petition_id order by snapshot_at desc) = 1
),

post_facts as (
    select 'post:' || post_id || ':awareness' as fact_id, 'awareness' as stage, campaign,
           platform as channel, coalesce(published_at, exported_at) as occurred_at,
           coalesce(case when platform = 'x' then impressions else reach end, 0) as interactions,
           null as person_id
    from latest_posts
    union all
    select 'post:' || post_id || ':engagement', 'engagement', campaign, platform,
           coalesce(published_at, exported_at),
           coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0), null
    from latest_posts
),

facebook_facts as (
    select 'facebook:' || f.event_id || ':' || stage, stage, c.campaign, 'facebook',
           coalesce(c.starts_at, f.snapshot_at),
           coalesce(case stage when 'engagement' then f.interested else f.going end, 0), null
    from latest_facebook as f
    left join calendar as c using (event_id)
    cross join (values ('engagement'), ('commitment')) as stages (stage)
),

person_facts as (
    -- one fact per person and thing: two tickets or two opens of one email count once
    select stage || ':' || person_id || ':' || coalesce(event_id, petition_id,
               email_campaign_id, '') as fact_id,
           stage, arg_min(campaign, occurred_at) as campaign,
           case when petition_id is not null then 'petition'
                else arg_min(source, occurred_at) end as channel,
           min(occurred_at) as occurred_at, 1 as interactions, person_id
    from records
    where is_interaction
    group by stage, person_id, event_id, petition_id, email_campaign_id
),

list_facts as (
    -- being on the email list places a person at awareness without an interaction
    select 'list:' || record_id, stage, campaign, 'email', occurred_at, 0, person_id
    from records
    where not is_interaction
),

petition_extra as (
    -- max(signers imported, latest total) = signers + what the total has beyond them
    select 'petition:' || p.petition_id, 'commitment', p.campaign, 'petition', p.snapshot_at,
           greatest(p.signature_count - count(distinct r.person_id), 0), null
    from latest_petitions as p
    left join records as r on r.petition_id = p.petition_id and r.record_kind = 'signature'
    group by p.petition_id, p.campaign, p.snapshot_at, p.signature_count
),

unioned as (
    select * from post_facts
    union all select * from facebook_facts
    union all select * from person_facts
    union all select * from list_facts
    union all select * from petition_extra
),

final as (
    select fact_id, stage,
           case stage when 'awareness' then 1 when 'engagement' then 2
                      when 'commitment' then 3 when 'action' then 4 end as stage_rank,
           campaign, channel, occurred_at, cast(interactions as bigint) as interactions,
           person_id
    from unioned
)

select * from final
