{#- Financial component (0-100) per customer and day (METRICS.md: past-due
    invoices, recent contraction).

    * past due: a contract of the customer has status past_due or unpaid at the
      end of the day (int_health_customer_days.past_due_contracts): the
      historical record of a failed payment, also for invoices paid late since.
    * overdue invoice: an invoice still open or uncollectible today whose due day
      is before the day (it was unpaid then too, so no look-ahead).
    * contraction: the customer's contraction movements (fct_customer_mrr_movements)
      known within the trailing var health_financial_contraction_window_days; a
      month's movement is known on the day of its snapshot (its last day, or
      as_of_date for the incomplete month). Share = MRR lost / MRR before, summed.
    * financial = 100 minus penalties (var health_financial_penalties): past due
      and overdue in full when present, contraction in proportion up to
      health_financial_max_contraction_share; floored at 0. Never null: billing
      data exists for every paying customer.

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day): the invoice and contraction deltas are recomputed every run and
    hashed; a customer whose deltas up to its last stored day, first paid day, this
    file or the financial vars changed is recomputed from its first grid day; one whose
    grid rows (past-due contracts) were rewritten since this table last wrote from the
    first such day; every other customer from the day after its last stored day.
    Spark: a table. -#}

{%- set window_days = var('health_financial_contraction_window_days') | int %}
{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_financial_penalties', 'health_financial_contraction_window_days',
    'health_financial_max_contraction_share',
]) %}
{%- set delta_columns = [
    ['sum', 'overdue_invoices_delta', 'overdue_invoices_delta'],
    ['sum', 'contraction_share_delta', 'contraction_share_delta'],
] %}

-- sqlfluff:indentation:template_blocks_indent:false
{%- set unrounded_financial_score -%}
greatest(
    100.0
    - case
        when past_due_contracts > 0 then {{ health_weight('health_financial_penalties', 'past_due') }}
        else 0
    end
    - case
        when overdue_invoices > 0 then {{ health_weight('health_financial_penalties', 'overdue_invoice') }}
        else 0
    end
    - {{ health_penalty(
        round_double('contraction_share', 6),
        var('health_financial_max_contraction_share'),
        health_weight('health_financial_penalties', 'contraction')
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
        past_due_contracts
    from {{ ref('int_health_customer_days') }}

),

billing_customers as (

    select
        stripe_customer_id,
        customer_id
    from {{ ref('int_customers_resolved') }}

),

unpaid_invoices as (

    select
        billing_customers.customer_id,
        cast(invoices.due_at as date) as due_date
    from {{ ref('stg_stripe__invoices') }} as invoices
    inner join billing_customers
        on invoices.customer_id = billing_customers.stripe_customer_id
    where
        invoices.status in ('open', 'uncollectible')
        and invoices.due_at is not null
        and invoices.total_amount > coalesce(invoices.amount_paid, 0)

),

contractions as (

    select
        customer_id,
        least(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month')) }} as date),
            {{ as_of_date() }}
        ) as known_date,
        cast(-mrr_change as {{ type_double() }}) / cast(mrr_prev as {{ type_double() }}) as contraction_share
    from {{ ref('fct_customer_mrr_movements') }}
    where movement_type = 'contraction' and mrr_prev > 0

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
        cast({{ dbt.dateadd('day', 1, 'due_date') }} as date) as date_day,
        1 as overdue_invoices_delta,
        0.0 as contraction_share_delta
    from unpaid_invoices
    union all
    select
        customer_id,
        known_date as date_day,
        0 as overdue_invoices_delta,
        contraction_share as contraction_share_delta
    from contractions
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', window_days, 'known_date') }} as date) as date_day,
        0 as overdue_invoices_delta,
        -contraction_share as contraction_share_delta
    from contractions

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

    {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope', ['past_due_contracts']) }}

),

inputs_by_day as (

    {{ health_running_totals('customer_days_in_scope', 'deltas_in_scope', [
        ['sum', 'overdue_invoices_delta', 'overdue_invoices'],
        ['sum', 'contraction_share_delta', 'contraction_share'],
        ['sum', 'delta_hash', 'deltas_checksum'],
    ], grid_columns=['past_due_contracts']) }}

),

final as (

    select
        customer_id,
        date_day,
        past_due_contracts,
        cast(overdue_invoices as integer) as overdue_invoices,
        {# Rounded: the running sum of +share / -share leaves float dust. #}
        cast({{ round_double('contraction_share', 6) }} as {{ type_double() }}) as contraction_share_in_window,
        cast({{ round_double(unrounded_financial_score, 2) }} as {{ type_double() }}) as financial_score,
        {{ config_hash }} + coalesce(deltas_checksum, 0) as inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from inputs_by_day

)

select * from final
