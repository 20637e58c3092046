-- stg_signin_sheet: one check-in per sheet row; anonymous rows stay separate people.
-- upstream: keyed (typed sign-in rows with hashed keys), events, ctx
with rows as (
    select
        keyed.*,
        coalesce(
            turnout_timestamp(keyed.signed_in_at, false),
            cast(events.starts_at as date) + try_cast(keyed.signed_in_at as time)
        ) as signed_in_time
    from keyed
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
