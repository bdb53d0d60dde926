{#- One row per customer and seat checkpoint (var onboarding_seat_checkpoint_days,
    default 30/60/90 days after the first paid date): licensed seats on the
    checkpoint day and the product users activated by then.

    Decisions where METRICS.md is silent:
    * Licensed seats: the customer's seats on the checkpoint day, summed over its
      contracts (int_health_contract_states: quantity of per-seat plan items,
      var health_seat_product_names, while in a revenue status) - the same seats
      the health score's utilisation uses.
    * A seat is activated by day N when a user of the customer has had any
      activity event (catalogue counts_as_activity) on or before first paid date
      + N days (trial use counts). The rate is activated users / licensed seats,
      not capped (above 1 = more active users than seats, an expansion hint);
      null with no licensed seats.
    * A checkpoint after as_of_date is not observable yet: seats and users null. -#}

{%- set checkpoints = cs_list_var('onboarding_seat_checkpoint_days', [30, 60, 90]) | map('int') | list %}

with

customers as (

    select
        customer_id,
        first_paid_date
    from {{ ref('int_onboarding_customers') }}

),

contract_states as (

    select
        customer_id,
        valid_from_date,
        valid_to_date,
        licensed_seats
    from {{ ref('int_health_contract_states') }}

),

product_events as (

    select
        customer_id,
        user_id,
        date_day,
        counts_as_activity
    from {{ ref('int_product_events_daily') }}

),

checkpoint_days as (

    select checkpoint_values.checkpoint_days
    from (values ({{ checkpoints | join('), (') }})) as checkpoint_values (checkpoint_days)

),

checkpoints as (

    select
        customers.customer_id,
        checkpoint_days.checkpoint_days,
        cast(
            {{ dbt.dateadd('day', 'checkpoint_days.checkpoint_days', 'customers.first_paid_date') }} as date
        ) as checkpoint_date
    from customers
    cross join checkpoint_days

),

{# Only events up to a customer's last checkpoint can count, so the per-user minimum
   is taken over those alone: the same users and dates for every checkpoint, and the
   aggregation skips the years of later events (10k bench: 2.1-2.8 s -> 1.5 s). #}
last_checkpoints as (

    select
        customer_id,
        max(checkpoint_date) as last_checkpoint_date
    from checkpoints
    group by 1

),

user_first_activity as (

    select
        product_events.customer_id,
        product_events.user_id,
        min(product_events.date_day) as first_active_date
    from product_events
    inner join last_checkpoints
        on product_events.customer_id = last_checkpoints.customer_id
    where
        product_events.counts_as_activity
        and product_events.date_day <= last_checkpoints.last_checkpoint_date
    group by 1, 2

),

seats_on_checkpoint as (

    select
        checkpoints.customer_id,
        checkpoints.checkpoint_days,
        sum(contract_states.licensed_seats) as licensed_seats
    from checkpoints
    inner join contract_states
        on
            checkpoints.customer_id = contract_states.customer_id
            and checkpoints.checkpoint_date >= contract_states.valid_from_date
            and (contract_states.valid_to_date is null or checkpoints.checkpoint_date < contract_states.valid_to_date)
    group by 1, 2

),

users_on_checkpoint as (

    select
        checkpoints.customer_id,
        checkpoints.checkpoint_days,
        count(*) as seats_activated
    from checkpoints
    inner join user_first_activity
        on
            checkpoints.customer_id = user_first_activity.customer_id
            and checkpoints.checkpoint_date >= user_first_activity.first_active_date
    group by 1, 2

),

final as (

    select
        checkpoints.customer_id,
        checkpoints.checkpoint_days,
        checkpoints.checkpoint_date,
        checkpoints.checkpoint_date <= {{ as_of_date() }} as is_observable,
        case
            when checkpoints.checkpoint_date <= {{ as_of_date() }}
                then cast(coalesce(seats_on_checkpoint.licensed_seats, 0) as integer)
        end as licensed_seats,
        case
            when checkpoints.checkpoint_date <= {{ as_of_date() }}
                then cast(coalesce(users_on_checkpoint.seats_activated, 0) as integer)
        end as seats_activated,
        case
            when checkpoints.checkpoint_date <= {{ as_of_date() }}
                then {{ revenue_ratio('users_on_checkpoint.seats_activated', 'seats_on_checkpoint.licensed_seats') }}
        end as seat_activation_rate
    from checkpoints
    left join seats_on_checkpoint
        on
            checkpoints.customer_id = seats_on_checkpoint.customer_id
            and checkpoints.checkpoint_days = seats_on_checkpoint.checkpoint_days
    left join users_on_checkpoint
        on
            checkpoints.customer_id = users_on_checkpoint.customer_id
            and checkpoints.checkpoint_days = users_on_checkpoint.checkpoint_days

)

select * from final
