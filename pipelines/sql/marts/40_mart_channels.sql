-- mart_channels: each first-known channel, the people it brought, and its slacktivism index.
-- grain: one row per first_channel.
-- slacktivism_index = (committed − acted) / committed among the people it brought;
-- the 95% Wilson interval is given because it is a share of people.
-- upstream: mart_person_channels
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
        case when count_committed > 0
             then (count_committed - count_acted) / count_committed end as slacktivism_index,
        1.96 * 1.96 as z2
    from counted
),

wilson as (
    -- 95% Wilson interval: the range the true rate likely lies in, given how few people
    select *,
        (slacktivism_index + z2 / (2 * count_committed)) / (1 + z2 / count_committed) as centre,
        sqrt(z2) * sqrt(slacktivism_index * (1 - slacktivism_index) / count_committed
            + z2 / (4 * count_committed * count_committed)) / (1 + z2 / count_committed)
            as half
    from rates
),

final as (
    select * exclude (z2, centre, half),
        greatest(0, centre - half) as slacktivism_low,
        least(1, centre + half) as slacktivism_high
    from wilson
)

select * from final
