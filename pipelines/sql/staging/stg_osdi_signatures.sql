-- stg_osdi_signatures: one signature per OSDI signature record.
-- upstream: keyed (one row per signature, hashed keys), ctx
select
    keyed.line,
    keyed.petition_id,
    ctx.campaign,
    cast(null as varchar) as email_key,
    cast(null as varchar) as phone_key,
    keyed.platform_key,
    keyed.person_uuid as source_ref,
    keyed.signed_at,
    cast(null as varchar) as channel,
    ctx.source,
    ctx.exported_at,
    coalesce(keyed.signature_id, concat_ws('|', keyed.petition_id, keyed.person_uuid))
        as record_ref
from keyed, ctx
