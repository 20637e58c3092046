-- stg_meta_posts: one snapshot per Facebook post, as of the export time.
-- upstream: keyed (typed rows of a Business Suite content export), ctx
select
    keyed.line,
    keyed.post_id,
    'facebook' as platform,
    ctx.campaign,
    keyed.published_at,
    ctx.exported_at,
    keyed.reach,
    keyed.impressions,
    keyed.reactions,
    keyed.comments,
    keyed.shares,
    keyed.clicks
from keyed, ctx
