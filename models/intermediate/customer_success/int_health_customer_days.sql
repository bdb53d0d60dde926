{#- The health grid: one row per customer and UTC day from the customer's first
    paid day through as_of_date, with the contract state of the day (licensed
    seats, paying and past-due contracts) and the onboarding grace flag. Every
    int_health_* component joins to this grid.

    Decisions:
    * First paid day: the first day whose end-of-day snapshot has a contract of
      the customer in a revenue status (active, past_due) with item MRR > 0
      (int_health_contract_states) - the daily form of the revenue spine's "first
      month with MRR > 0", so a customer paying on the 10th starts on the 10th.
      Trial days before it are not scored.
    * Rows continue after churn (is_paying false) through as_of_date: the trend
      stays visible; alerts and the backtest only read paying days.
    * Onboarding grace: the first var health_onboarding_grace_days days from the
      first paid day (day 0 = first paid day). Reactivations do not restart it.
    * Contract states are turned into per-day deltas and summed cumulatively over
      the grid (window functions, no join of contracts x days). -#}

with

contract_states as (

    select
        subscription_id,
        customer_id,
        valid_from_date,
        cast(is_paying as integer) as paying_contracts,
        cast(is_past_due as integer) as past_due_contracts,
        licensed_seats
    from {{ ref('int_health_contract_states') }}

),

first_paid_days as (

    select
        customer_id,
        min(valid_from_date) as first_paid_date
    from {{ ref('int_health_contract_states') }}
    where is_paying
    group by 1

),

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('revenue_spine_start_date') ~ "' as date)",
        dbt.dateadd('day', 1, as_of_date())
    ) }}

),

{# A change of a contract's state is the difference to its previous state. #}
contract_deltas as (

    select
        customer_id,
        valid_from_date as date_day,
        paying_contracts - coalesce(lag(paying_contracts) over (
            partition by subscription_id order by valid_from_date
        ), 0) as paying_contracts_delta,
        past_due_contracts - coalesce(lag(past_due_contracts) over (
            partition by subscription_id order by valid_from_date
        ), 0) as past_due_contracts_delta,
        licensed_seats - coalesce(lag(licensed_seats) over (
            partition by subscription_id order by valid_from_date
        ), 0) as licensed_seats_delta
    from contract_states

),

{# Changes before the first paid day land on it (their sum is the state then). #}
customer_deltas as (

    {{ health_deltas_by_day('contract_deltas', 'first_paid_days', [
        ['sum', 'paying_contracts_delta', 'paying_contracts_delta'],
        ['sum', 'past_due_contracts_delta', 'past_due_contracts_delta'],
        ['sum', 'licensed_seats_delta', 'licensed_seats_delta'],
    ]) }}

),

grid as (

    select
        first_paid_days.customer_id,
        cast(days.date_day as date) as date_day,
        first_paid_days.first_paid_date
    from first_paid_days
    inner join days
        on
            cast(days.date_day as date) >= first_paid_days.first_paid_date
            and cast(days.date_day as date) <= {{ as_of_date() }}

),

states_by_day as (

    {{ health_running_totals('grid', 'customer_deltas', [
        ['sum', 'paying_contracts_delta', 'paying_contracts'],
        ['sum', 'past_due_contracts_delta', 'past_due_contracts'],
        ['sum', 'licensed_seats_delta', 'licensed_seats'],
    ], grid_columns=['first_paid_date']) }}

),

final as (

    select
        customer_id,
        date_day,
        first_paid_date,
        cast({{ dbt.datediff('first_paid_date', 'date_day', 'day') }} as integer) as days_since_first_paid,
        paying_contracts > 0 as is_paying,
        cast(paying_contracts as integer) as paying_contracts,
        cast(past_due_contracts as integer) as past_due_contracts,
        cast(licensed_seats as integer) as licensed_seats,
        {{ dbt.datediff('first_paid_date', 'date_day', 'day') }} < {{ var('health_onboarding_grace_days') }}
            as is_in_onboarding_grace
    from states_by_day

)

select * from final
