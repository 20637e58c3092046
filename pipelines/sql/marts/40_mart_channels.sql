-- mart_channels: each first-known channel, the people it brought, and its slacktivism index.
-- grain: one row per first_channel.
-- slacktivism_index = (committed − acted) / committed among the people it brought;
-- the 95% Wilson interval is given because it is a share of people.
-- upstream: mart_person_channels
-- refresh: full (one row per channel, from every person)
with

people as (select * from mart_person_channels),

counted as (
    select first_channel,
           count(*) as count_people,
           count(*) filter (where has_committed) as count_committed,
           count(*) filter (where has_acted) as count_acted
    from people
    group by first_channel
),

rates as (
    select *,
        turnout_slacktivism(count_committed, count_acted) as slacktivism_index
    from counted
),

final as (
    select *,
        turnout_wilson_low(slacktivism_index, count_committed) as slacktivism_low,
        turnout_wilson_high(slacktivism_index, count_committed) as slacktivism_high
    from rates
)

select * from final
