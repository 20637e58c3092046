-- stg_ca_epetition: one snapshot of a House of Commons e-petition's total, summed over
-- its provinces and territories.
-- grain: one row per petition (every province row of the file counts in n_rows).
-- upstream: keyed (typed province rows), ctx (file name: the petition number)
with numbered as (
    select
        keyed.*,
        upper(coalesce(
            nullif(regexp_extract(keyed.petition_number, '([eE]-?\d+)', 1), ''),
            nullif(regexp_extract(ctx.file_name, '(?:^|[^a-zA-Z])([eE]-\d+)', 1), '')
        )) as petition_ref
    from keyed, ctx
)

select
    min(line) as line,
    'caparl:' || petition_ref as petition_id,
    cast(null as varchar) as petition_name,
    any_value(ctx.campaign) as campaign,
    any_value(ctx.exported_at) as snapshot_at,
    sum(signature_count) as signature_count,
    count(*) as n_rows,
    case when petition_ref is null then 'row.no_petition' end as reject_code,
    cast(null as json) as reject_params
from numbered, ctx
group by petition_ref
