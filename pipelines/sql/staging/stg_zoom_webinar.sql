-- stg_zoom_webinar: one registration per person (email) of one webinar; rejoins summed.
-- upstream: keyed (typed rows under the Attendee Details header, hashed keys), ctx
with section_end as (
    -- the first row that is not Yes/No in `Attended` starts another section (a title line)
    select coalesce(min(line), 9223372036854775807) as first_other_line
    from keyed
    where attended is null
),

attendee_rows as (
    select
        keyed.*,
        turnout_timestamp(keyed.registration_time, false) as registered_at,
        turnout_number(keyed.time_in_session, '.') as minutes
    from keyed, section_end
    where keyed.line < section_end.first_other_line
),

people as (
    select
        coalesce(email_key, 'line:' || line) as person_ref,
        min(line) as line,
        any_value(email_key) as email_key,
        max(phone_key) as phone_key,
        min(registered_at) as registered_at,
        turnout_status(max(approval_status)) as approval_status,
        bool_or(attended) as attended,
        sum(minutes) as minutes_attended,
        count(*) as n_rows
    from attendee_rows
    group by 1
),

other_sections as (
    select
        keyed.line,
        -- the cell is not quoted back: in a later section it may be a name
        'row.later_section' as reject_code
    from keyed, section_end
    where keyed.line >= section_end.first_other_line
)

select
    people.line,
    ctx.event_id,
    people.email_key,
    people.phone_key,
    cast(null as varchar) as platform_key,
    cast(null as varchar) as source_ref,
    people.registered_at,
    case when people.attended then 'attended' else coalesce(people.approval_status, 'registered') end
        as status,
    turnout_is_cancelled(people.approval_status) as is_cancelled,
    people.attended,
    people.minutes_attended,
    cast(null as varchar) as channel,
    ctx.source,
    ctx.exported_at,
    ctx.event_id || '|' || people.person_ref as record_ref,
    people.n_rows,
    cast(null as varchar) as reject_code,
    cast(null as json) as reject_params
from people, ctx

union all by name

select
    other_sections.line,
    ctx.event_id,
    ctx.source,
    ctx.exported_at,
    other_sections.reject_code,
    cast(null as json) as reject_params,
    1 as n_rows
from other_sections, ctx
