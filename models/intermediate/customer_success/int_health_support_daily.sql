{#- Support component (0-100) per customer and day (METRICS.md: ticket load,
    escalations, open high-priority cases).

    * case load: cases opened in the trailing var health_support_window_days per
      sqrt(licensed seats) (1 seat minimum). Support demand grows with the square
      root of seats, not linearly: a 400-seat account does not file 100x the
      tickets of a 4-seat one, so a plain per-seat rate would brand every small
      account as troubled.
    * escalations: cases opened in the window that are escalated.
    * open high priority: cases with a priority in var
      health_support_high_priorities open at the end of the day (created on or
      before it, not closed by its end).
    * support = 100 minus one penalty per input (var health_support_penalties),
      each full at its max (health_support_max_*), floored at 0.
    * Null for a customer without a CRM account (unmapped billing customer): no
      cases can be attributed. A CRM customer without cases scores 100. -#}

{%- set window_days = var('health_support_window_days') | int %}
{%- set unrounded_support_score -%}
greatest(
    100.0
    - {{ health_penalty(
        'case_load',
        var('health_support_max_case_load'),
        health_weight('health_support_penalties', 'case_load')
    ) }}
    - {{ health_penalty(
        'escalations_in_window',
        var('health_support_max_escalations'),
        health_weight('health_support_penalties', 'escalations')
    ) }}
    - {{ health_penalty(
        'open_high_priority_cases',
        var('health_support_max_open_high_priority'),
        health_weight('health_support_penalties', 'open_high_priority')
    ) }},
    0.0
)
{%- endset %}

with

customer_days as (

    select
        customer_id,
        date_day,
        first_paid_date,
        licensed_seats
    from {{ ref('int_health_customer_days') }}

),

accounts as (

    select
        account_id,
        customer_account_id as customer_id
    from {{ ref('int_accounts_rolled_up') }}

),

crm_customers as (

    select distinct customer_id
    from accounts

),

cases as (

    select
        accounts.customer_id,
        cast(cases.created_at as date) as created_date,
        cast(cases.closed_at as date) as closed_date,
        coalesce(cases.is_escalated, false) as is_escalated,
        coalesce(cases.priority in {{ health_in_list(var('health_support_high_priorities')) }}, false)
            as is_high_priority
    from {{ ref('stg_salesforce__cases') }} as cases
    inner join accounts
        on cases.account_id = accounts.account_id
    where cast(cases.created_at as date) <= {{ as_of_date() }}

),

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date
    from customer_days

),

deltas as (

    select
        customer_id,
        created_date as date_day,
        1 as cases_delta,
        case when is_escalated then 1 else 0 end as escalations_delta,
        case when is_high_priority then 1 else 0 end as open_high_priority_delta
    from cases
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', window_days, 'created_date') }} as date) as date_day,
        -1 as cases_delta,
        case when is_escalated then -1 else 0 end as escalations_delta,
        0 as open_high_priority_delta
    from cases
    union all
    select
        customer_id,
        closed_date as date_day,
        0 as cases_delta,
        0 as escalations_delta,
        -1 as open_high_priority_delta
    from cases
    where is_high_priority and closed_date is not null

),

deltas_by_day as (

    {{ health_deltas_by_day('deltas', 'first_paid_days', [
        ['sum', 'cases_delta', 'cases_delta'],
        ['sum', 'escalations_delta', 'escalations_delta'],
        ['sum', 'open_high_priority_delta', 'open_high_priority_delta'],
    ]) }}

),

counts_by_day as (

    {{ health_running_totals('customer_days', 'deltas_by_day', [
        ['sum', 'cases_delta', 'cases_in_window'],
        ['sum', 'escalations_delta', 'escalations_in_window'],
        ['sum', 'open_high_priority_delta', 'open_high_priority_cases'],
    ], grid_columns=['licensed_seats']) }}

),

parts as (

    select
        counts_by_day.customer_id,
        counts_by_day.date_day,
        crm_customers.customer_id is not null as has_crm_account,
        cast(counts_by_day.cases_in_window as integer) as cases_in_window,
        cast(counts_by_day.escalations_in_window as integer) as escalations_in_window,
        cast(counts_by_day.open_high_priority_cases as integer) as open_high_priority_cases,
        cast(counts_by_day.cases_in_window as {{ type_double() }})
        / sqrt(cast(greatest(counts_by_day.licensed_seats, 1) as {{ type_double() }})) as case_load
    from counts_by_day
    left join crm_customers
        on counts_by_day.customer_id = crm_customers.customer_id

),

final as (

    select
        customer_id,
        date_day,
        cases_in_window,
        case_load,
        escalations_in_window,
        open_high_priority_cases,
        case
            when has_crm_account
                then cast({{ round_double(unrounded_support_score, 2) }} as {{ type_double() }})
        end as support_score
    from parts

)

select * from final
