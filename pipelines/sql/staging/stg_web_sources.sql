-- stg_web_sources: visits from one traffic source or campaign over a report's period (GA4
-- traffic acquisition, Matomo referrers, Plausible sources), on that source's channel.
-- grain: one row per source and period; post_id: format, campaign, source, period's end.
-- upstream: web_snapshots (the rows as stg_web_pages.sql makes them), keyed (the source's
-- name: its label)
select
    web_snapshots.* replace (
        coalesce(turnout_channel(regexp_replace(keyed.label, '\s*/.*$', '')), 'web') as platform
    )
from web_snapshots
join keyed using (line)
