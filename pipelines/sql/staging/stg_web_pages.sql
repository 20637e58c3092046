-- stg_web_pages: a web page's views and visitors over a report's period (GA4, Matomo,
-- Plausible pages reports), as a post snapshot on the channel 'web'. A sources report's rows
-- are made here too, then put on their source's channel (stg_web_sources.sql).
-- grain: one row per page and period; post_id: format, campaign, page and the period's end.
-- upstream: keyed (typed report rows), ctx (exported_at: the period's end)
select
    keyed.line,
    concat_ws(':', 'web', ctx.source, ctx.campaign, keyed.label) || '@'
        || strftime(ctx.exported_at, '%Y-%m-%d') as post_id,
    'web' as platform,
    ctx.campaign,
    cast(null as timestamp) as published_at,
    ctx.exported_at,
    coalesce(keyed.visitors, keyed.views) as reach,
    keyed.views as impressions
from keyed, ctx
