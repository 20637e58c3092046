-- stg_mailchimp_activity: one open or click of one address in one email campaign.
-- upstream: keyed (typed activity rows, hashed email), ctx (the file name may say what happened)
with from_file as (
    select
        case
            when regexp_matches(lower(ctx.file_name), 'clic')
                 and regexp_matches(lower(ctx.file_name), 'open|ouvert') then null
            when regexp_matches(lower(ctx.file_name), 'clic') then 'click'
            when regexp_matches(lower(ctx.file_name), 'open|ouvert') then 'open'
        end as action,
        trim(regexp_replace(regexp_replace(ctx.file_name, '\.[^.]*$', ''),
            '[-_ .]*(opened|opens|open|clicked|clicks|click|ouvertures|ouverts|ouvert|clics|clic)[-_ .]*',
            '-', 'gi'), '-') as campaign_ref
    from ctx
),

activity as (
    select
        keyed.*,
        case
            when regexp_matches(lower(keyed.action), 'bounce|rebond') then 'bounce'
            when regexp_matches(lower(keyed.action), 'clic') then 'click'
            when regexp_matches(lower(keyed.action), 'open|ouvert') then 'open'
            when keyed.action is null then from_file.action
        end as action_word,
        coalesce(keyed.campaign_ref, from_file.campaign_ref) as email_campaign_id
    from keyed, from_file
)

select
    activity.line,
    activity.email_campaign_id,
    ctx.campaign,
    activity.email_key,
    activity.action_word as action,
    activity.occurred_at,
    ctx.source,
    ctx.exported_at,
    concat_ws('|', activity.email_campaign_id, activity.email_key, activity.action_word,
              coalesce(cast(activity.occurred_at as varchar), '-')) as record_ref,
    case
        when activity.action_word = 'bounce' then 'row.bounce'
        when activity.action_word is null and activity.action is not null
            then 'row.neither_open_nor_click'
        when activity.action_word is null then 'row.open_or_click_unknown'
    end as reject_code,
    cast(null as json) as reject_params
from activity, ctx
