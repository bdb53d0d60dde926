{#- Lifecycle stage transitions (issue 4, item 3): one row per customer and
    month whose stage differs from the month before (fct_customer_lifecycle
    is_stage_change). A customer's first month is its entry, not a transition.

    * is_slide: from a stage in var lifecycle_slide_from_stages (adoption,
      maturity, expansion) to one in var lifecycle_slide_to_stages (at_risk,
      churned) - the move a CS team must see the month it happens.
    * is_recovery: the reverse, from at_risk or churned back to a paying stage
      other than at_risk (onboarding, adoption, maturity, expansion).
    * months_in_from_stage: how long the customer was in the stage it left. -#}

{%- set slide_from = cs_list_var('lifecycle_slide_from_stages', ['adoption']) %}
{%- set slide_to = cs_list_var('lifecycle_slide_to_stages', ['at_risk']) %}

with

lifecycle as (

    select
        customer_id,
        month,
        is_complete,
        lifecycle_stage,
        previous_stage,
        is_stage_change,
        stage_reason,
        months_in_stage,
        tenure_months,
        mrr,
        health_band
    from {{ ref('fct_customer_lifecycle') }}

),

with_previous_run as (

    select
        lifecycle.*,
        lag(lifecycle.months_in_stage) over (
            partition by lifecycle.customer_id order by lifecycle.month
        ) as months_in_from_stage,
        lag(lifecycle.mrr) over (
            partition by lifecycle.customer_id order by lifecycle.month
        ) as mrr_prev
    from lifecycle

),

final as (

    select
        customer_id,
        month,
        is_complete,
        previous_stage as from_stage,
        lifecycle_stage as to_stage,
        {{ dbt.concat(['previous_stage', "'->'", 'lifecycle_stage']) }} as stage_move,
        previous_stage in ({{ cs_sql_in_list(slide_from) }})
        and lifecycle_stage in ({{ cs_sql_in_list(slide_to) }}) as is_slide,
        previous_stage in ('at_risk', 'churned')
        and lifecycle_stage in ('onboarding', 'adoption', 'maturity', 'expansion') as is_recovery,
        stage_reason,
        cast(months_in_from_stage as integer) as months_in_from_stage,
        tenure_months,
        cast(mrr_prev as decimal(38, 6)) as mrr_prev,
        mrr,
        health_band
    from with_previous_run
    where is_stage_change

)

select * from final
