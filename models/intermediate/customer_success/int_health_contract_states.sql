{#- Per contract, its state on every UTC day as piecewise-constant ranges
    [valid_from_date, valid_to_date): subscription status, licensed seats and
    whether the contract is paying. The daily twin of the revenue spine's month
    snapshot: a day's state is the snapshot at the end of the day (T = the next
    day 00:00 UTC), so versions in force are those with start < T <= end, which
    for whole days is cast(start as date) <= day < cast(end as date); overlapping
    versions: latest start wins, tie: latest end (METRICS.md, "Grain and time").
    The state of a complete month's last day is exactly the month snapshot.

    Decisions:
    * is_paying: the subscription version in force has a revenue status
      (active, past_due) and its items in force have item MRR > 0 before
      discounts (a 100 % coupon still counts as paying: the customer holds a
      paid plan).
    * licensed_seats: the sum of quantity (null = 1) of items in force whose
      product is a per-seat plan (var health_seat_product_names), counted only
      while the contract is in a revenue status (trialing or canceled seats are
      not licensed).
    * is_past_due: the version in force has status past_due or unpaid (a failed
      payment; the financial component reads it).
    * Change days are every version start and end day of the contract and its
      items, so the ranges hold only as many rows as there were changes. -#}

with

subscription_versions as (

    select
        subscription_id,
        status,
        version_start_at,
        version_end_at,
        cast(version_start_at as date) as start_date,
        cast(version_end_at as date) as end_date
    from {{ ref('stg_stripe__subscription_versions') }}

),

item_versions as (

    select
        subscription_item_id,
        subscription_id,
        plan_name,
        quantity,
        item_mrr_usd,
        version_start_at,
        version_end_at,
        cast(version_start_at as date) as start_date,
        cast(version_end_at as date) as end_date
    from {{ ref('int_subscription_item_versions_priced') }}

),

contracts as (

    select
        subscription_id,
        customer_id
    from {{ ref('int_contracts_mapped') }}

),

change_days as (

    select distinct
        subscription_id,
        change_date
    from (
        select
            subscription_id,
            start_date as change_date
        from subscription_versions
        union all
        select
            subscription_id,
            end_date as change_date
        from subscription_versions
        union all
        select
            subscription_id,
            start_date as change_date
        from item_versions
        union all
        select
            subscription_id,
            end_date as change_date
        from item_versions
    ) as all_change_days
    where change_date <= {{ as_of_date() }}

),

subscription_versions_in_force as (

    select
        change_days.subscription_id,
        change_days.change_date,
        subscription_versions.status,
        row_number() over (
            partition by change_days.subscription_id, change_days.change_date
            order by subscription_versions.version_start_at desc, subscription_versions.version_end_at desc
        ) as version_rank
    from change_days
    inner join subscription_versions
        on
            change_days.subscription_id = subscription_versions.subscription_id
            and change_days.change_date >= subscription_versions.start_date
            and change_days.change_date < subscription_versions.end_date

),

item_versions_in_force as (

    select
        change_days.subscription_id,
        change_days.change_date,
        item_versions.plan_name,
        item_versions.quantity,
        item_versions.item_mrr_usd,
        row_number() over (
            partition by item_versions.subscription_item_id, change_days.change_date
            order by item_versions.version_start_at desc, item_versions.version_end_at desc
        ) as version_rank
    from change_days
    inner join item_versions
        on
            change_days.subscription_id = item_versions.subscription_id
            and change_days.change_date >= item_versions.start_date
            and change_days.change_date < item_versions.end_date

),

items_per_change_day as (

    select
        subscription_id,
        change_date,
        sum(case when plan_name in {{ health_in_list(var('health_seat_product_names')) }} then quantity else 0 end)
            as seat_quantity,
        sum(item_mrr_usd) as items_mrr_usd
    from item_versions_in_force
    where version_rank = 1
    group by 1, 2

),

states as (

    select
        change_days.subscription_id,
        change_days.change_date as valid_from_date,
        subscription_versions_in_force.status,
        coalesce(subscription_versions_in_force.status in ('active', 'past_due'), false) as is_revenue_status,
        coalesce(subscription_versions_in_force.status in ('past_due', 'unpaid'), false) as is_past_due,
        coalesce(items_per_change_day.seat_quantity, 0) as seat_quantity,
        coalesce(items_per_change_day.items_mrr_usd, 0) as items_mrr_usd
    from change_days
    left join subscription_versions_in_force
        on
            change_days.subscription_id = subscription_versions_in_force.subscription_id
            and change_days.change_date = subscription_versions_in_force.change_date
            and subscription_versions_in_force.version_rank = 1
    left join items_per_change_day
        on
            change_days.subscription_id = items_per_change_day.subscription_id
            and change_days.change_date = items_per_change_day.change_date

),

final as (

    select
        states.subscription_id,
        contracts.customer_id,
        states.valid_from_date,
        lead(states.valid_from_date) over (
            partition by states.subscription_id order by states.valid_from_date
        ) as valid_to_date,
        states.status,
        states.is_revenue_status,
        states.is_revenue_status and states.items_mrr_usd > 0 as is_paying,
        states.is_past_due,
        cast(case when states.is_revenue_status then states.seat_quantity else 0 end as integer) as licensed_seats
    from states
    inner join contracts
        on states.subscription_id = contracts.subscription_id

)

select * from final
