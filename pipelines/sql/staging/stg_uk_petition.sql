-- stg_uk_petition: one snapshot of a UK Parliament petition's signature total.
-- upstream: keyed (the typed petition object), ctx
select
    keyed.line,
    keyed.petition_id,
    keyed.petition_name,
    ctx.campaign,
    coalesce(keyed.updated_at, ctx.exported_at) as snapshot_at,
    keyed.signature_count
from keyed, ctx
