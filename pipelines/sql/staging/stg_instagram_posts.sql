-- stg_instagram_posts: one snapshot per Instagram post, as of the export time.
-- upstream: keyed (typed rows of a Business Suite Instagram content export), ctx
select
    keyed.line,
    keyed.post_id,
    'instagram' as platform,
    ctx.campaign,
    keyed.published_at,
    ctx.exported_at,
    keyed.reach,
    keyed.impressions,
    keyed.reactions,
    keyed.comments,
    keyed.shares,
    cast(null as bigint) as clicks
from keyed, ctx
