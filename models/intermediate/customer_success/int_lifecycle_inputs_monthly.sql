{#- Everything a lifecycle stage is decided from, per customer and month: the
    revenue spine's grid (fct_customer_mrr_monthly: from the first month with
    MRR > 0 through the as_of_date month, zero months after churn included),
    read at the month's snapshot (the last day of a complete month, as_of_date
    for the incomplete one - METRICS.md, "Grain and time").

    Decisions:
    * tenure_months: whole months since the first month with MRR > 0 (0 in it);
      tenure_days: days from the first paid date (fct_onboarding, the day the
      health score and onboarding count from) to the snapshot date; the first
      month with MRR > 0 stands in when fct_onboarding has no row.
    * Onboarding is complete by the snapshot when every milestone of var
      onboarding_milestones was reached on or before the snapshot date.
    * Health (band, score, seat utilisation, key features used in 30 days) is
      the month-end snapshot of fct_customer_health_monthly; null when the
      customer has no health row that month.
    * Pending cancellation: a contract whose subscription version in force at
      the snapshot counts MRR (active, past_due) and has cancel_at_period_end
      set (int_subscription_status_monthly) - the customer asked to leave, access
      has not ended yet.
    * Recent expansion / contraction: a customer-grain movement of that type
      (fct_customer_mrr_movements) in the month or in the var
      lifecycle_expansion_lookback_months / lifecycle_contraction_lookback_months
      months before it. -#}

{%- set expansion_lookback = var('lifecycle_expansion_lookback_months') | int %}
{%- set contraction_lookback = var('lifecycle_contraction_lookback_months') | int %}
{%- set expansion_window_start = dbt.dateadd('month', -1 * expansion_lookback, 'customer_months.month') %}
{%- set contraction_window_start = dbt.dateadd('month', -1 * contraction_lookback, 'customer_months.month') %}
{%- set window_start = dbt.dateadd(
    'month', -1 * ([expansion_lookback, contraction_lookback] | max), 'customer_months.month'
) %}

with

customer_months as (

    select
        customer_id,
        month,
        is_complete,
        mrr,
        is_customer_unmapped
    from {{ ref('fct_customer_mrr_monthly') }}

),

revenue_months as (

    select
        month,
        cast({{ dbt.dateadd('day', -1, 'snapshot_at') }} as date) as snapshot_date
    from {{ ref('int_revenue_months') }}

),

movements as (

    select
        customer_id,
        month,
        movement_type
    from {{ ref('fct_customer_mrr_movements') }}
    where movement_type in ('expansion', 'contraction')

),

onboarding as (

    select
        customer_id,
        first_paid_date,
        onboarding_completed_date
    from {{ ref('fct_onboarding') }}

),

health_month_end as (

    select
        customer_id,
        month,
        health_score,
        health_band,
        seat_utilisation,
        key_features_used_30d
    from {{ ref('fct_customer_health_monthly') }}

),

subscription_months as (

    select
        subscription_id,
        month,
        is_revenue_status,
        is_cancel_at_period_end
    from {{ ref('int_subscription_status_monthly') }}

),

contracts as (

    select
        subscription_id,
        customer_id
    from {{ ref('int_contracts_mapped') }}

),

first_paid_months as (

    select
        customer_id,
        min(month) as first_paid_month
    from customer_months
    where mrr > 0
    group by 1

),

{# A contract pending cancellation still counts MRR but will end at its period end. #}
pending_cancellations as (

    select
        contracts.customer_id,
        subscription_months.month,
        count(*) as pending_cancel_contracts
    from subscription_months
    inner join contracts
        on subscription_months.subscription_id = contracts.subscription_id
    where subscription_months.is_revenue_status and subscription_months.is_cancel_at_period_end
    group by 1, 2

),

recent_movements as (

    select
        customer_months.customer_id,
        customer_months.month,
        max(
            case
                when
                    movements.movement_type = 'expansion'
                    and movements.month >= cast({{ expansion_window_start }} as date)
                    then 1
                else 0
            end
        ) as has_recent_expansion,
        max(
            case
                when
                    movements.movement_type = 'contraction'
                    and movements.month >= cast({{ contraction_window_start }} as date)
                    then 1
                else 0
            end
        ) as has_recent_contraction
    from customer_months
    inner join movements
        on
            customer_months.customer_id = movements.customer_id
            and customer_months.month >= movements.month
            and movements.month >= cast({{ window_start }} as date)
    group by 1, 2

),

final as (

    select
        customer_months.customer_id,
        customer_months.month,
        customer_months.is_complete,
        revenue_months.snapshot_date,
        cast(customer_months.mrr as decimal(38, 6)) as mrr,
        customer_months.is_customer_unmapped,
        first_paid_months.first_paid_month,
        coalesce(onboarding.first_paid_date, first_paid_months.first_paid_month) as first_paid_date,
        cast(
            {{ dbt.datediff('first_paid_months.first_paid_month', 'customer_months.month', 'month') }} as integer
        ) as tenure_months,
        cast(
            {{ dbt.datediff(
                'coalesce(onboarding.first_paid_date, first_paid_months.first_paid_month)',
                'revenue_months.snapshot_date',
                'day'
            ) }} as integer
        ) as tenure_days,
        coalesce(onboarding.onboarding_completed_date <= revenue_months.snapshot_date, false)
            as is_onboarding_complete,
        cast(health_month_end.health_score as {{ type_double() }}) as health_score,
        health_month_end.health_band,
        cast(health_month_end.seat_utilisation as {{ type_double() }}) as seat_utilisation,
        cast(health_month_end.key_features_used_30d as integer) as key_features_used_30d,
        cast(coalesce(pending_cancellations.pending_cancel_contracts, 0) as integer) as pending_cancel_contracts,
        coalesce(pending_cancellations.pending_cancel_contracts, 0) > 0 as is_pending_cancel,
        coalesce(recent_movements.has_recent_expansion, 0) = 1 as has_recent_expansion,
        coalesce(recent_movements.has_recent_contraction, 0) = 1 as has_recent_contraction
    from customer_months
    inner join revenue_months
        on customer_months.month = revenue_months.month
    inner join first_paid_months
        on customer_months.customer_id = first_paid_months.customer_id
    left join onboarding
        on customer_months.customer_id = onboarding.customer_id
    left join health_month_end
        on
            customer_months.customer_id = health_month_end.customer_id
            and customer_months.month = health_month_end.month
    left join pending_cancellations
        on
            customer_months.customer_id = pending_cancellations.customer_id
            and customer_months.month = pending_cancellations.month
    left join recent_movements
        on
            customer_months.customer_id = recent_movements.customer_id
            and customer_months.month = recent_movements.month

)

select * from final
