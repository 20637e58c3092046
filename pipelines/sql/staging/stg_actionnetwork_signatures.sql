-- stg_actionnetwork_signatures: one signature per activist per petition report.
-- upstream: keyed (typed activist rows, hashed keys), ctx (file name names the petition)
with report as (
    select coalesce(
        'actionnetwork:' || nullif(regexp_extract(ctx.file_name, 'csv_report_(\d+)', 1), ''),
        regexp_replace(ctx.file_name, '\.[^.]*$', '')
    ) as petition_id
    from ctx
)

select
    keyed.line,
    report.petition_id,
    ctx.campaign,
    keyed.email_key,
    keyed.phone_key,
    keyed.platform_key,
    keyed.uuid as source_ref,
    keyed.acted_at as signed_at,
    turnout_channel(keyed.utm_source) as channel,
    ctx.source,
    ctx.exported_at,
    concat_ws('|', report.petition_id,
              coalesce(keyed.uuid, keyed.email_key, keyed.phone_key)) as record_ref
from keyed, report, ctx
