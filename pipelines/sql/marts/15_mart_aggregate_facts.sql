-- mart_aggregate_facts: what platforms count without naming people, latest export only.
-- grain: one row per fact_id: a post's reach (X: impressions) or engagement, an event's
--        Facebook interested (engagement) or going (commitment), a petition's total beyond
--        the signers imported (so that signers + this = max(signers, total)).
-- upstream: post_snapshots, facebook_event_snapshots, petition_snapshots, events,
--           mart_person_records
-- refresh: incremental by fact_id
with

calendar as (select event_id, campaign, starts_at from events),
signers as (
    select petition_id, count(distinct person_id) as count_signers
    from mart_person_records where record_kind = 'signature' group by petition_id
),
latest_posts as (
    select * from post_snapshots qualify turnout_is_latest(post_id, exported_at)
),
latest_facebook as (
    select * from facebook_event_snapshots qualify turnout_is_latest(event_id, snapshot_at)
),
latest_petitions as (
    select * from petition_snapshots qualify turnout_is_latest(petition_id, snapshot_at)
),

post_facts as (
    select 'post:' || post_id || ':' || stage as fact_id, stage, campaign,
           platform as channel, coalesce(published_at, exported_at) as occurred_at,
           case stage
               when 'awareness' then case when platform = 'x' then impressions else reach end
               else coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)
           end as interactions
    from latest_posts
    cross join (values ('awareness'), ('engagement')) as stages (stage)
),

facebook_facts as (
    select 'facebook:' || f.event_id || ':' || stage, stage, c.campaign, 'facebook',
           coalesce(c.starts_at, f.snapshot_at),
           case stage when 'engagement' then f.interested else f.going end
    from latest_facebook as f
    left join calendar as c using (event_id)
    cross join (values ('engagement'), ('commitment')) as stages (stage)
),

petition_facts as (
    select 'petition:' || p.petition_id, 'commitment', p.campaign, 'petition', p.snapshot_at,
           greatest(p.signature_count - coalesce(s.count_signers, 0), 0)
    from latest_petitions as p
    left join signers as s using (petition_id)
),

final as (
    select fact_id, stage, campaign, channel, occurred_at,
           cast(coalesce(interactions, 0) as bigint) as interactions
    from (select * from post_facts union all select * from facebook_facts
          union all select * from petition_facts)
)

select * from final
