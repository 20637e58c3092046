-- stg_web_sources: visits from one traffic source or campaign over a report's period (GA4
-- traffic acquisition, Matomo referrers, Plausible sources), on that source's channel.
-- grain: one row per source and period; post_id: format, campaign, source, period's end.
-- upstream: keyed (typed report rows), ctx (exported_at: the period's end)
select
    keyed.line,
    concat_ws(':', 'web', ctx.source, ctx.campaign, keyed.label) || '@'
        || strftime(ctx.exported_at, '%Y-%m-%d') as post_id,
    coalesce(turnout_channel(regexp_replace(keyed.label, '\s*/.*$', '')), 'web') as platform,
    ctx.campaign,
    cast(null as timestamp) as published_at,
    ctx.exported_at,
    coalesce(keyed.visitors, keyed.views) as reach,
    keyed.views as impressions
from keyed, ctx
