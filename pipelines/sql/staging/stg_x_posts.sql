-- stg_x_posts: one snapshot per post on X, as of the export time; X has no reach.
-- upstream: keyed (typed rows of an X analytics export), ctx
select
    keyed.line,
    keyed.post_id,
    'x' as platform,
    ctx.campaign,
    keyed.published_at,
    ctx.exported_at,
    cast(null as bigint) as reach,
    keyed.impressions,
    keyed.reactions,
    keyed.comments,
    keyed.shares,
    keyed.clicks
from keyed, ctx
