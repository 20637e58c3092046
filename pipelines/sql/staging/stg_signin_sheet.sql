-- stg_signin_sheet: one check-in per sheet row; anonymous rows stay separate people.
-- upstream: keyed (typed sign-in rows with hashed keys), events, ctx
with written as (
    select
        keyed.*,
        -- a time of day as sheets write it: 18:45, 18h45, 18 h 45, 18h
        try_cast(regexp_replace(regexp_replace(trim(keyed.signed_in_at),
            '^(\d{1,2})\s*[hH]\s*$', '\1:00'), '^(\d{1,2})\s*[hH]\s*(\d{2})$', '\1:\2')
            as time) as time_of_day,
        turnout_timestamp(keyed.signed_in_at, false) as date_and_time
    from keyed
),

rows as (
    select
        written.*,
        coalesce(date_and_time, cast(events.starts_at as date) + time_of_day)
            as signed_in_time,
        -- a time nobody can read ("demain") is the row's reason, never silently dropped
        case when nullif(trim(written.signed_in_at), '') is not null
                  and date_and_time is null and time_of_day is null
            then turnout_reject_quoting('row.not_a_time', 'row.not_a_time_personal', 'value',
                                        written.signed_in_at, null)
        end as time_reject
    from written
    left join events using (event_id)
),

numbered as (
    select
        rows.*,
        -- two identical anonymous rows on one sheet are two people
        row_number() over (
            partition by event_id, name, email_key, phone_key, signed_in_at order by line
        ) as occurrence
    from rows
)

select
    numbered.line,
    numbered.event_id,
    numbered.email_key,
    numbered.phone_key,
    numbered.signed_in_time as signed_in_at,
    numbered.time_reject.code as reject_code,
    numbered.time_reject.params as reject_params,
    turnout_channel(numbered.heard_from) as channel,
    ctx.source,
    ctx.exported_at,
    -- a person signing twice is one check-in per set of keys given; every key is kept
    case
        when numbered.email_key is null and numbered.phone_key is null
            then concat_ws('|', numbered.event_id, 'anonymous', lower(numbered.name),
                           numbered.signed_in_at, numbered.occurrence)
        else concat_ws('|', numbered.event_id, coalesce(numbered.email_key, '-'),
                       coalesce(numbered.phone_key, '-'))
    end as record_ref
from numbered, ctx
