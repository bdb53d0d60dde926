{#- Expansion signals as of as_of_date: one row per paying customer and signal
    that fires (grain customer x signal_type: a CSM works a list of signals and
    a customer with several shows several rows, each with
    signals_for_customer), with the customer's current plan, MRR and health.

    Signals (thresholds are vars):
    * seat_utilisation - active users in the last 30 days / licensed seats
      (fct_customer_health_daily on as_of_date) >= var
      expansion_seat_utilisation_min (default 0.9): the customer is running out
      of seats.
    * new_departments - departments active in the last
      var expansion_new_department_recent_days days that were not in the
      var expansion_new_department_lookback_days before (int_expansion_departments):
      usage is spreading.
    * health_improving - score_change_30d >= var expansion_health_improvement_min_30d.
    * expansion_opportunity - open opportunities of var expansion_opportunity_types
      (int_expansion_opportunities_open).
    signal_value is the measured value (utilisation, departments, points, USD),
    signal_threshold the var it is compared with, signal_detail the names
    behind it (departments, opportunity ids).

    Only customers paying now (MRR > 0 in the as_of_date month,
    fct_customer_mrr_monthly) are listed: a churned customer is a win-back,
    not an expansion. current_plan is the plan of its largest contract. -#}

with

current_customers as (

    select
        customer_id,
        plan_name as current_plan,
        mrr as current_mrr_usd
    from {{ ref('fct_customer_mrr_monthly') }}
    where
        month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
        and mrr > 0

),

health_today as (

    select
        customer_id,
        health_score,
        health_band,
        score_change_30d,
        licensed_seats,
        active_users_30d,
        seat_utilisation
    from {{ ref('fct_customer_health_daily') }}
    where date_day = {{ as_of_date() }}

),

departments as (

    select
        customer_id,
        new_departments,
        new_department_names
    from {{ ref('int_expansion_departments') }}

),

opportunities as (

    select
        customer_id,
        open_opportunities,
        open_amount_usd,
        opportunity_ids
    from {{ ref('int_expansion_opportunities_open') }}

),

customers as (

    select
        customer_id,
        customer_name
    from {{ ref('int_customer_accounts') }}

),

signals as (

    select
        current_customers.customer_id,
        'seat_utilisation' as signal_type,
        cast(health_today.seat_utilisation as {{ type_double() }}) as signal_value,
        cast({{ var('expansion_seat_utilisation_min') }} as {{ type_double() }}) as signal_threshold,
        cast(null as {{ dbt.type_string() }}) as signal_detail
    from current_customers
    inner join health_today
        on current_customers.customer_id = health_today.customer_id
    where health_today.seat_utilisation >= {{ var('expansion_seat_utilisation_min') }}

    union all

    select
        current_customers.customer_id,
        'new_departments' as signal_type,
        cast(departments.new_departments as {{ type_double() }}) as signal_value,
        cast(1 as {{ type_double() }}) as signal_threshold,
        departments.new_department_names as signal_detail
    from current_customers
    inner join departments
        on current_customers.customer_id = departments.customer_id
    where departments.new_departments >= 1

    union all

    select
        current_customers.customer_id,
        'health_improving' as signal_type,
        cast(health_today.score_change_30d as {{ type_double() }}) as signal_value,
        cast({{ var('expansion_health_improvement_min_30d') }} as {{ type_double() }}) as signal_threshold,
        cast(null as {{ dbt.type_string() }}) as signal_detail
    from current_customers
    inner join health_today
        on current_customers.customer_id = health_today.customer_id
    where health_today.score_change_30d >= {{ var('expansion_health_improvement_min_30d') }}

    union all

    select
        current_customers.customer_id,
        'expansion_opportunity' as signal_type,
        cast(opportunities.open_amount_usd as {{ type_double() }}) as signal_value,
        cast(null as {{ type_double() }}) as signal_threshold,
        opportunities.opportunity_ids as signal_detail
    from current_customers
    inner join opportunities
        on current_customers.customer_id = opportunities.customer_id
    where opportunities.open_opportunities >= 1

),

signals_per_customer as (

    select
        customer_id,
        count(*) as signals_for_customer
    from signals
    group by 1

),

final as (

    select
        signals.customer_id,
        customers.customer_name,
        signals.signal_type,
        {{ as_of_date() }} as as_of_date,
        signals.signal_value,
        signals.signal_threshold,
        signals.signal_detail,
        cast(signals_per_customer.signals_for_customer as integer) as signals_for_customer,
        current_customers.current_plan,
        cast(current_customers.current_mrr_usd as decimal(38, 6)) as current_mrr_usd,
        cast(12 * current_customers.current_mrr_usd as decimal(38, 6)) as current_arr_usd,
        cast(health_today.health_score as {{ type_double() }}) as health_score,
        health_today.health_band,
        cast(health_today.score_change_30d as {{ type_double() }}) as score_change_30d,
        cast(health_today.licensed_seats as integer) as licensed_seats,
        cast(health_today.active_users_30d as integer) as active_users_30d,
        cast(health_today.seat_utilisation as {{ type_double() }}) as seat_utilisation
    from signals
    inner join current_customers
        on signals.customer_id = current_customers.customer_id
    inner join signals_per_customer
        on signals.customer_id = signals_per_customer.customer_id
    left join health_today
        on signals.customer_id = health_today.customer_id
    left join customers
        on signals.customer_id = customers.customer_id

)

select * from final
