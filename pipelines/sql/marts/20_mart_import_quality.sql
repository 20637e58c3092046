-- mart_import_quality: what each import read, loaded, recognised as duplicate and rejected.
-- grain: one row per import_id.
-- upstream: imports, rejects
-- refresh: full (one row per import, a few hundred at most)
with

import_rows as (select * from imports),
reject_rows as (select * from rejects),

reason_counts as (
    select import_id, reason, reject_code, reject_params, count(*) as count_lines
    from reject_rows
    group by all
),
reasons as (
    -- the most frequent message with its code and parameters, so the dashboard can word it
    -- in either language; equally frequent ones: the first by code, wording and parameters
    select import_id,
           cast(sum(count_lines) over (partition by import_id) as bigint) as count_reject_lines,
           reason, reject_code, reject_params
    from reason_counts
    qualify row_number() over (partition by import_id order by count_lines desc,
                               reject_code, reason, reject_params) = 1
),

final as (
    select i.import_id, i.file_name, i.source, i.campaign, i.event_id, i.exported_at,
           i.imported_at, i.rows_read, i.rows_loaded, i.rows_duplicate, i.rows_rejected,
           case when i.rows_read > 0 then i.rows_rejected / i.rows_read end as share_rejected,
           coalesce(r.count_reject_lines, 0) as count_reject_lines,
           r.reason as most_common_reason, r.reject_code as most_common_code,
           r.reject_params as most_common_params
    from import_rows as i
    left join reasons as r using (import_id)
)

select * from final
