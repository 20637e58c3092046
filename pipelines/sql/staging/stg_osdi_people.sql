-- stg_osdi_people: one identity per OSDI person, linking email, phone and platform id.
-- upstream: keyed (one row per person of the collection, hashed keys), ctx
select
    keyed.line,
    ctx.source,
    keyed.email_key,
    keyed.phone_key,
    keyed.platform_key,
    keyed.person_uuid as source_ref,
    ctx.exported_at,
    coalesce(keyed.person_uuid, keyed.email_key, keyed.phone_key) as record_ref
from keyed, ctx
