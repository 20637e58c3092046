-- stg_changeorg_signatures: a Change.org signature download as one snapshot of the
-- petition's total: signers have no email or phone, so they are counted, not matched.
-- grain: one row per file (every signer row counts in n_rows).
-- upstream: keyed (typed signer rows: signed_at only), ctx (file name: the petition)
with petition as (
    select 'changeorg:' || trim(regexp_replace(regexp_replace(lower(ctx.file_name),
               '\.[a-z0-9]+$', ''), '[-_ ]*(\d{4}-?\d{2}-?\d{2}|signatures?)[-_ ]*', '-', 'g'),
               '-') as petition_id
    from ctx
)

select
    min(keyed.line) as line,
    any_value(petition.petition_id) as petition_id,
    cast(null as varchar) as petition_name,
    any_value(ctx.campaign) as campaign,
    greatest(any_value(ctx.exported_at), max(keyed.signed_at)) as snapshot_at,
    count(*) as signature_count,
    count(*) as n_rows
from keyed, petition, ctx
having count(*) > 0
