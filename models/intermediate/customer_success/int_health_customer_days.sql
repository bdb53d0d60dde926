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
      the grid (window functions, no join of contracts x days).

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day): the contract deltas are recomputed every run (one row per state
    change) and hashed. A customer whose first paid day moved, or whose deltas up to
    its last stored day (or var health_onboarding_grace_days, or this file) changed,
    is recomputed from its first paid day; every other customer from the day after
    its last stored day. Rows written carry loaded_at, the run's start, which the
    components downstream read to find the days to recompute. Rows off the new grid
    (first paid day moved later, a customer who no longer ever paid) are deleted by the
    post-hook health_delete_grid_rows_off_range. Spark: a table. -#}

{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash(['health_onboarding_grace_days']) %}
{%- set delta_columns = [
    ['sum', 'paying_contracts_delta', 'paying_contracts_delta'],
    ['sum', 'past_due_contracts_delta', 'past_due_contracts_delta'],
    ['sum', 'licensed_seats_delta', 'licensed_seats_delta'],
] %}

-- sqlfluff:indentation:template_blocks_indent:false

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

    {{ health_deltas_by_day('contract_deltas', 'first_paid_days', delta_columns, checksum=true) }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(is_refresh, 'first_paid_days', 'customer_deltas', config_hash) }}

),

deltas_in_scope as (

    {{ health_deltas_in_scope('customer_deltas', 'refresh_scope', delta_columns) }}

),

grid as (

    select
        refresh_scope.customer_id,
        cast(days.date_day as date) as date_day,
        refresh_scope.first_paid_date
    from refresh_scope
    inner join days
        on
            cast(days.date_day as date) >= refresh_scope.recompute_from_date
            and cast(days.date_day as date) <= {{ as_of_date() }}

),

states_by_day as (

    {{ health_running_totals('grid', 'deltas_in_scope', [
        ['sum', 'paying_contracts_delta', 'paying_contracts'],
        ['sum', 'past_due_contracts_delta', 'past_due_contracts'],
        ['sum', 'licensed_seats_delta', 'licensed_seats'],
        ['sum', 'delta_hash', 'deltas_checksum'],
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
            as is_in_onboarding_grace,
        {{ config_hash }} + coalesce(deltas_checksum, 0) as inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from states_by_day

)

select * from final
