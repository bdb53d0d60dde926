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
      cases can be attributed. A CRM customer without cases scores 100.

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day): the case deltas are recomputed every run and hashed; a customer whose
    deltas up to its last stored day, CRM account, first paid day, this file or the
    support vars changed is recomputed from its first grid day; one whose grid rows
    were rewritten since this table last wrote from the first such day; every other
    customer from the day after its last stored day. Spark: a table. -#}

{%- set window_days = var('health_support_window_days') | int %}
{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_support_window_days', 'health_support_high_priorities', 'health_support_penalties',
    'health_support_max_case_load', 'health_support_max_escalations', 'health_support_max_open_high_priority',
]) %}
{%- set delta_columns = [
    ['sum', 'cases_delta', 'cases_delta'],
    ['sum', 'escalations_delta', 'escalations_delta'],
    ['sum', 'open_high_priority_delta', 'open_high_priority_delta'],
    ['sum', 'crm_accounts_delta', 'crm_accounts_delta'],
] %}

-- sqlfluff:indentation:template_blocks_indent:false
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

{# A CRM customer carries one crm_accounts_delta before its grid starts (it lands on
   the first grid day): having a CRM account is then part of the running totals and of
   the checksum. #}
deltas as (

    select
        customer_id,
        created_date as date_day,
        1 as cases_delta,
        case when is_escalated then 1 else 0 end as escalations_delta,
        case when is_high_priority then 1 else 0 end as open_high_priority_delta,
        0 as crm_accounts_delta
    from cases
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', window_days, 'created_date') }} as date) as date_day,
        -1 as cases_delta,
        case when is_escalated then -1 else 0 end as escalations_delta,
        0 as open_high_priority_delta,
        0 as crm_accounts_delta
    from cases
    union all
    select
        customer_id,
        closed_date as date_day,
        0 as cases_delta,
        0 as escalations_delta,
        -1 as open_high_priority_delta,
        0 as crm_accounts_delta
    from cases
    where is_high_priority and closed_date is not null
    union all
    select
        customer_id,
        cast('1900-01-01' as date) as date_day,
        0 as cases_delta,
        0 as escalations_delta,
        0 as open_high_priority_delta,
        1 as crm_accounts_delta
    from crm_customers

),

deltas_by_day as (

    {{ health_deltas_by_day('deltas', 'first_paid_days', delta_columns, checksum=true) }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(
        is_refresh, 'first_paid_days', 'deltas_by_day', config_hash, upstreams=[ref('int_health_customer_days')]
    ) }}

),

deltas_in_scope as (

    {{ health_deltas_in_scope('deltas_by_day', 'refresh_scope', delta_columns) }}

),

customer_days_in_scope as (

    {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope', ['licensed_seats']) }}

),

counts_by_day as (

    {{ health_running_totals('customer_days_in_scope', 'deltas_in_scope', [
        ['sum', 'cases_delta', 'cases_in_window'],
        ['sum', 'escalations_delta', 'escalations_in_window'],
        ['sum', 'open_high_priority_delta', 'open_high_priority_cases'],
        ['sum', 'crm_accounts_delta', 'crm_accounts'],
        ['sum', 'delta_hash', 'deltas_checksum'],
    ], grid_columns=['licensed_seats']) }}

),

parts as (

    select
        customer_id,
        date_day,
        crm_accounts > 0 as has_crm_account,
        cast(cases_in_window as integer) as cases_in_window,
        cast(escalations_in_window as integer) as escalations_in_window,
        cast(open_high_priority_cases as integer) as open_high_priority_cases,
        cast(cases_in_window as {{ type_double() }})
        / sqrt(cast(greatest(licensed_seats, 1) as {{ type_double() }})) as case_load,
        {{ config_hash }} + coalesce(deltas_checksum, 0) as inputs_checksum
    from counts_by_day

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
        end as support_score,
        inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from parts

)

select * from final
