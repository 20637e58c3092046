-- stg_mailchimp_audience: one 'subscribed' record per address of the audience.
-- upstream: keyed (typed member rows, hashed email), ctx
select
    keyed.line,
    cast(null as varchar) as email_campaign_id,
    ctx.campaign,
    keyed.email_key,
    'subscribed' as action,
    coalesce(keyed.optin_time, keyed.confirm_time, keyed.last_changed) as occurred_at,
    ctx.source,
    ctx.exported_at,
    concat_ws('|', 'list', coalesce(ctx.campaign, '-'), keyed.email_key) as record_ref
from keyed, ctx
