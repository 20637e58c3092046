-- mart_person_milestones: when each identified person first committed and first acted.
-- grain: one row per person_id with a commitment or an action.
-- upstream: mart_person_records
-- refresh: incremental by person_id
with

records as (select * from mart_person_records where not is_anonymous),

firsts as (
    select person_id,
           min(occurred_at) filter (where stage = 'commitment') as first_commitment_at,
           min(occurred_at) filter (where stage = 'action') as first_action_at
    from records
    where stage in ('commitment', 'action')
    group by person_id
),

final as (
    select *,
        -- only when the commitment came first: a walk-in who registers later has no delay
        case when first_commitment_at <= first_action_at
             then date_diff('day', first_commitment_at, first_action_at) end
            as days_commitment_to_action,
        cast(date_trunc('month', first_action_at) as date) as cohort_month
    from firsts
)

select * from final
