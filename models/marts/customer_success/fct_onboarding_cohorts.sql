{#- Onboarding cohorts: one row per first-paid-month cohort and milestone with
    the share of the cohort that reached the milestone within var
    onboarding_target_days of its first paid date, against 12-month renewal -
    the evidence that onboarding predicts retention.

    Milestones: each of var onboarding_milestones, plus setup (all setup
    milestones), first_value (first key feature), all_milestones (onboarding
    complete) and seat_activation (activated users / licensed seats at the last
    seat checkpoint >= var onboarding_seat_activation_target; customers without
    licensed seats are not counted for it).

    Decisions where METRICS.md is silent:
    * Cohort = month of the first paid date (fct_onboarding). Unmapped billing
      customers are left out: their usage cannot be attributed.
    * A customer is observable for a milestone once first paid date + target
      days <= as_of_date (seat_activation: once its last checkpoint is);
      completion_rate = reached on target / observable (null when none is).
    * Renewed at 12 months (var onboarding_renewal_months): the customer has
      MRR > 0 at the end of first paid month + 12 (fct_customer_mrr_monthly);
      observable only when that month is complete, else the customer is not in
      the renewal counts. Rates are split by whether the milestone was reached
      on target, so completion can be read against renewal. -#}

{%- set milestones = cs_list_var('onboarding_milestones', ['workspace_created']) %}
{%- set checkpoints = cs_list_var('onboarding_seat_checkpoint_days', [30, 60, 90]) | map('int') | list %}
{%- set last_checkpoint = checkpoints | max %}
{%- set target_days = var('onboarding_target_days') %}
{#- (milestone, fct_onboarding column with its days): the catalogue milestones,
    then setup, first value and onboarding complete. -#}
{%- set day_columns = [] %}
{%- for milestone in milestones %}
    {%- do day_columns.append((milestone, 'days_to_' ~ milestone)) %}
{%- endfor %}
{%- do day_columns.append(('setup', 'days_to_setup')) %}
{%- do day_columns.append(('first_value', 'days_to_first_value')) %}
{%- do day_columns.append(('all_milestones', 'days_to_onboarding_complete')) %}

with

onboarding as (

    select * from {{ ref('fct_onboarding') }}
    where not is_customer_unmapped

),

months as (

    select
        month,
        is_complete
    from {{ ref('int_revenue_months') }}

),

customer_months as (

    select
        customer_id,
        month,
        mrr
    from {{ ref('fct_customer_mrr_monthly') }}

),

renewals as (

    select
        onboarding.customer_id,
        coalesce(months.is_complete, false) as is_renewal_observable,
        coalesce(customer_months.mrr > 0, false) as has_renewed
    from onboarding
    left join months
        on months.month = cast(
            {{ dbt.dateadd('month', var('onboarding_renewal_months'), 'onboarding.first_paid_month') }} as date
        )
    left join customer_months
        on
            onboarding.customer_id = customer_months.customer_id
            and months.month = customer_months.month

),

{# One row per customer and milestone: observable, reached on target, days. #}
customer_milestones as (

    {%- for milestone, day_column in day_columns %}
        select
            customer_id,
            first_paid_month,
            '{{ milestone }}' as milestone,
            days_since_first_paid >= {{ target_days }} as is_observable,
            coalesce({{ day_column }} <= {{ target_days }}, false) as is_reached_on_target,
            case when {{ day_column }} <= {{ target_days }} then {{ day_column }} end as days_to_milestone
        from onboarding

        union all
    {%- endfor %}

    select
        customer_id,
        first_paid_month,
        'seat_activation' as milestone,
        seat_activation_rate_{{ last_checkpoint }}d is not null as is_observable,
        coalesce(
            seat_activation_rate_{{ last_checkpoint }}d >= {{ var('onboarding_seat_activation_target') }}, false
        ) as is_reached_on_target,
        cast(null as integer) as days_to_milestone
    from onboarding

),

milestones_with_renewal as (

    select
        customer_milestones.*,
        renewals.is_renewal_observable,
        renewals.has_renewed
    from customer_milestones
    inner join renewals
        on customer_milestones.customer_id = renewals.customer_id

),

cohort_milestones as (

    select
        first_paid_month as cohort_month,
        milestone,
        count(*) as cohort_customers,
        count(case when is_observable then 1 end) as observable_customers,
        count(case when is_observable and is_reached_on_target then 1 end) as reached_customers,
        avg(case when is_observable then cast(days_to_milestone as {{ type_double() }}) end) as avg_days_to_milestone,
        count(case when is_observable and is_renewal_observable then 1 end) as renewal_observable_customers,
        count(case when is_observable and is_renewal_observable and has_renewed then 1 end) as renewed_customers,
        count(
            case when is_observable and is_renewal_observable and is_reached_on_target then 1 end
        ) as renewal_observable_reached_customers,
        count(
            case when is_observable and is_renewal_observable and is_reached_on_target and has_renewed then 1 end
        ) as renewed_reached_customers,
        count(
            case when is_observable and is_renewal_observable and not is_reached_on_target then 1 end
        ) as renewal_observable_not_reached_customers,
        count(
            case
                when is_observable and is_renewal_observable and not is_reached_on_target and has_renewed then 1
            end
        ) as renewed_not_reached_customers
    from milestones_with_renewal
    group by 1, 2

),

final as (

    select
        cohort_month,
        milestone,
        cast(cohort_customers as bigint) as cohort_customers,
        cast(observable_customers as bigint) as observable_customers,
        cast(reached_customers as bigint) as reached_customers,
        {{ revenue_ratio('reached_customers', 'observable_customers') }} as completion_rate,
        cast(avg_days_to_milestone as {{ type_double() }}) as avg_days_to_milestone,
        cast(renewal_observable_customers as bigint) as renewal_observable_customers,
        cast(renewed_customers as bigint) as renewed_customers,
        {{ revenue_ratio('renewed_customers', 'renewal_observable_customers') }} as renewal_rate_12m,
        cast(renewal_observable_reached_customers as bigint) as renewal_observable_reached_customers,
        {{ revenue_ratio('renewed_reached_customers', 'renewal_observable_reached_customers') }}
            as renewal_rate_12m_reached,
        cast(renewal_observable_not_reached_customers as bigint) as renewal_observable_not_reached_customers,
        {{ revenue_ratio('renewed_not_reached_customers', 'renewal_observable_not_reached_customers') }}
            as renewal_rate_12m_not_reached
    from cohort_milestones

)

select * from final
