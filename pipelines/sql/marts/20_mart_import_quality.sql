-- mart_import_quality: what each import read, loaded, recognised as duplicate and rejected.
-- grain: one row per import_id.
-- upstream: imports, rejects
with

import_rows as (select * from imports),
reject_rows as (select * from rejects),

reasons as (
    -- the message with its code and parameters, so the dashboard can word it in either language
    select import_id, count(*) as count_reject_lines,
           mode({'reason': reason, 'code': reject_code, 'params': reject_params}) as most_common
    from reject_rows
    group by import_id
),

final as (
    select i.import_id, i.file_name, i.source, i.campaign, i.event_id, i.exported_at,
           i.imported_at, i.rows_read, i.rows_loaded, i.rows_duplicate, i.rows_rejected,
           case when i.rows_read > 0 then i.rows_rejected / i.rows_read end as share_rejected,
           coalesce(r.count_reject_lines, 0) as count_reject_lines,
           r.most_common.reason as most_common_reason, r.most_common.code as most_common_code,
           r.most_common.params as most_common_params
    from import_rows as i
    left join reasons as r using (import_id)
)

select * from final
