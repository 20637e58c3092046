-- mart_person_channels: the first known source that brought each identified person.
-- grain: one row per identified person_id with any funnel record.
-- Channel of a record: email activity → 'email'; a registration's UTM referrer or a
-- sign-in's / signature's "heard from", already folded by turnout_channel(); a sign-in
-- row saying nothing → 'offline'. No known channel at all → 'unknown'.
-- upstream: mart_person_records
-- refresh: incremental by person_id
with

records as (select * from mart_person_records where not is_anonymous),

channelled as (
    select person_id, occurred_at, stage_rank,
           turnout_known_channel(record_kind, channel) as known_channel
    from records
),

per_person as (
    select person_id,
           max(stage_rank) as stage_rank,
           arg_min(known_channel, turnout_earliest(occurred_at, known_channel))
               filter (where known_channel is not null)
               as first_channel,
           min(occurred_at) filter (where known_channel is not null) as first_channel_at
    from channelled
    group by person_id
),

final as (
    select person_id, coalesce(first_channel, 'unknown') as first_channel,
           first_channel_at, stage_rank,
           stage_rank >= 3 as has_committed, stage_rank >= 4 as has_acted
    from per_person
)

select * from final
