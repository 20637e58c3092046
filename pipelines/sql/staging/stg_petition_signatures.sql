-- stg_petition_signatures: one signature per row; one person signs a petition once.
-- upstream: keyed (typed signature rows with hashed keys), ctx
select
    keyed.line,
    keyed.petition_id,
    ctx.campaign,
    keyed.email_key,
    keyed.phone_key,
    cast(null as varchar) as platform_key,
    cast(null as varchar) as source_ref,
    keyed.signed_at,
    turnout_channel(keyed.heard_from) as channel,
    ctx.source,
    ctx.exported_at,
    concat_ws('|', keyed.petition_id, coalesce(keyed.email_key, '-'), coalesce(keyed.phone_key, '-'))
        as record_ref
from keyed, ctx
