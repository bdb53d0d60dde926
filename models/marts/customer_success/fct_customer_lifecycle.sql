{#- Lifecycle stage per customer and month (issue 4, item 3): one row per
    customer and month from the first month with MRR > 0 through the as_of_date
    month (the revenue spine's grid; the as_of_date month is read at as_of_date
    and flagged is_complete = false). Inputs: int_lifecycle_inputs_monthly.

    Stages and their rules; the first rule that holds wins, so the priority is
    churned > at_risk > onboarding > expansion > maturity > adoption:
    1. churned - MRR 0 at the month-end snapshot (the grid starts at the first
       month with MRR > 0, so the customer has had MRR). A reactivated customer
       leaves churned in the month its MRR returns.
    2. at_risk - the month-end health band is in var lifecycle_at_risk_bands
       (red); or a contract is pending cancellation (cancel_at_period_end on a
       version that still counts MRR); or a contraction movement in the month or
       the var lifecycle_contraction_lookback_months months before it while the
       band is not in var lifecycle_contraction_safe_bands (green; an unknown
       band is not safe). Risk outranks onboarding: a new customer who asks to
       cancel is a save, not an onboarding.
    3. onboarding - fewer than var lifecycle_onboarding_days days from the first
       paid date to the snapshot and not every onboarding milestone reached yet.
       Reactivations do not restart onboarding (the first paid date is the
       first ever).
    4. expansion - an expansion movement in the month or the var
       lifecycle_expansion_lookback_months months before it, or seat utilisation
       at or above var lifecycle_expansion_seat_utilisation_min (a customer
       outgrowing its seats is an expansion opportunity).
    5. maturity - at least var lifecycle_maturity_months months since the first
       paid month, at least var lifecycle_maturity_min_key_features key features
       used in the last 30 days and a band in var lifecycle_maturity_bands.
    6. adoption - every other paying month.
    stage_reason names the rule (and, for at_risk and expansion, the first
    condition) that decided; for adoption, the first maturity condition missing.
    previous_stage is the stage of the month before (null in the first month);
    stage_started_month / months_in_stage count the current run of the stage. -#}

{%- set at_risk_bands = cs_list_var('lifecycle_at_risk_bands', ['red']) %}
{%- set safe_bands = cs_list_var('lifecycle_contraction_safe_bands', ['green']) %}
{%- set maturity_bands = cs_list_var('lifecycle_maturity_bands', ['green', 'yellow']) %}

with

inputs as (

    select * from {{ ref('int_lifecycle_inputs_monthly') }}

),

flagged as (

    select
        inputs.*,
        coalesce(inputs.health_band in ({{ cs_sql_in_list(at_risk_bands) }}), false) as is_at_risk_band,
        coalesce(inputs.health_band in ({{ cs_sql_in_list(safe_bands) }}), false) as is_contraction_safe_band,
        coalesce(inputs.health_band in ({{ cs_sql_in_list(maturity_bands) }}), false) as is_maturity_band,
        coalesce(
            inputs.seat_utilisation >= {{ var('lifecycle_expansion_seat_utilisation_min') }}, false
        ) as is_seat_utilisation_high,
        inputs.tenure_months >= {{ var('lifecycle_maturity_months') }} as is_tenure_mature,
        coalesce(
            inputs.key_features_used_30d >= {{ var('lifecycle_maturity_min_key_features') }}, false
        ) as is_usage_deep,
        inputs.tenure_days < {{ var('lifecycle_onboarding_days') }} and not inputs.is_onboarding_complete
            as is_onboarding
    from inputs

),

{# The first rule that holds wins (priority in the header). #}
staged as (

    select
        flagged.*,
        case
            when flagged.mrr = 0 then 'churned'
            when
                flagged.is_at_risk_band
                or flagged.is_pending_cancel
                or (flagged.has_recent_contraction and not flagged.is_contraction_safe_band)
                then 'at_risk'
            when flagged.is_onboarding then 'onboarding'
            when flagged.has_recent_expansion or flagged.is_seat_utilisation_high then 'expansion'
            when flagged.is_tenure_mature and flagged.is_usage_deep and flagged.is_maturity_band then 'maturity'
            else 'adoption'
        end as lifecycle_stage,
        case
            when flagged.mrr = 0 then 'no_mrr'
            when flagged.is_at_risk_band then 'health_band'
            when flagged.is_pending_cancel then 'pending_cancellation'
            when flagged.has_recent_contraction and not flagged.is_contraction_safe_band
                then 'contraction_without_safe_health'
            when flagged.is_onboarding then 'onboarding_in_progress'
            when flagged.has_recent_expansion then 'recent_expansion'
            when flagged.is_seat_utilisation_high then 'seat_utilisation'
            when flagged.is_tenure_mature and flagged.is_usage_deep and flagged.is_maturity_band
                then 'mature_tenure_usage_health'
            when not flagged.is_tenure_mature then 'tenure_below_maturity'
            when not flagged.is_usage_deep then 'usage_below_maturity'
            else 'health_below_maturity'
        end as stage_reason
    from flagged

),

with_previous as (

    select
        staged.*,
        lag(staged.lifecycle_stage) over (
            partition by staged.customer_id order by staged.month
        ) as previous_stage
    from staged

),

{# A run of one stage starts in the first month or when the stage changes. #}
with_runs as (

    select
        with_previous.*,
        coalesce(with_previous.previous_stage <> with_previous.lifecycle_stage, false) as is_stage_change,
        sum(
            case
                when
                    with_previous.previous_stage is null
                    or with_previous.previous_stage <> with_previous.lifecycle_stage
                    then 1
                else 0
            end
        ) over (
            partition by with_previous.customer_id
            order by with_previous.month
            rows between unbounded preceding and current row
        ) as stage_run_number
    from with_previous

),

with_run_starts as (

    select
        with_runs.*,
        min(with_runs.month) over (
            partition by with_runs.customer_id, with_runs.stage_run_number
        ) as stage_started_month
    from with_runs

),

final as (

    select
        customer_id,
        month,
        is_complete,
        snapshot_date,
        lifecycle_stage,
        previous_stage,
        is_stage_change,
        stage_reason,
        stage_started_month,
        cast({{ dbt.datediff('stage_started_month', 'month', 'month') }} + 1 as integer) as months_in_stage,
        first_paid_month,
        first_paid_date,
        tenure_months,
        tenure_days,
        mrr,
        health_score,
        health_band,
        is_pending_cancel,
        pending_cancel_contracts,
        has_recent_expansion,
        has_recent_contraction,
        is_onboarding_complete,
        seat_utilisation,
        key_features_used_30d,
        is_customer_unmapped
    from with_run_starts

)

select * from final
