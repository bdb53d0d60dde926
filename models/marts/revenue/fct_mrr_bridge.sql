{#- The monthly MRR bridge (METRICS.md, "Retention"): opening + new +
    reactivation + expansion - contraction - churned = closing, from the first
    month with MRR > 0 through the as_of_date month. Opening and closing are
    summed from customer MRR, the flows from customer-grain movements, so the
    roll-forward identity is a real check (a test), not true by construction.
    contraction_mrr and churned_mrr are non-negative. Rates are fractions, null on
    a zero denominator. -#}

with

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

movements as (

    select
        month,
        movement_type,
        mrr_change
    from {{ ref('fct_customer_mrr_movements') }}

),

totals as (

    select
        month,
        sum(mrr) as total_mrr,
        count(case when mrr > 0 then 1 end) as customers_with_mrr
    from customer_months
    group by 1

),

flows as (

    select
        month,
        sum(case when movement_type = 'new' then mrr_change else 0 end) as new_mrr,
        sum(case when movement_type = 'reactivation' then mrr_change else 0 end) as reactivation_mrr,
        sum(case when movement_type = 'expansion' then mrr_change else 0 end) as expansion_mrr,
        -sum(case when movement_type = 'contraction' then mrr_change else 0 end) as contraction_mrr,
        -sum(case when movement_type = 'churn' then mrr_change else 0 end) as churned_mrr
    from movements
    group by 1

),

bridge_months as (

    select
        months.month,
        months.is_complete
    from months
    where months.month >= (
        select min(customer_months.month) as first_month_with_mrr
        from customer_months
        where customer_months.mrr > 0
    )

),

joined as (

    select
        bridge_months.month,
        bridge_months.is_complete,
        cast(coalesce(opening.total_mrr, 0) as decimal(38, 6)) as opening_mrr,
        cast(coalesce(flows.new_mrr, 0) as decimal(38, 6)) as new_mrr,
        cast(coalesce(flows.reactivation_mrr, 0) as decimal(38, 6)) as reactivation_mrr,
        cast(coalesce(flows.expansion_mrr, 0) as decimal(38, 6)) as expansion_mrr,
        cast(coalesce(flows.contraction_mrr, 0) as decimal(38, 6)) as contraction_mrr,
        cast(coalesce(flows.churned_mrr, 0) as decimal(38, 6)) as churned_mrr,
        cast(coalesce(closing.total_mrr, 0) as decimal(38, 6)) as closing_mrr,
        coalesce(opening.customers_with_mrr, 0) as customers_opening,
        coalesce(closing.customers_with_mrr, 0) as customers_closing
    from bridge_months
    left join totals as opening
        on opening.month = cast({{ dbt.dateadd('month', -1, 'bridge_months.month') }} as date)
    left join totals as closing
        on bridge_months.month = closing.month
    left join flows
        on bridge_months.month = flows.month

),

{# nrr_1m = (opening + expansion - contraction - churn) / opening,
    grr_1m = (opening - contraction - churn) / opening,
    quick_ratio = (new + reactivation + expansion) / (contraction + churn). #}
final as (

    select
        month,
        opening_mrr,
        new_mrr,
        reactivation_mrr,
        expansion_mrr,
        contraction_mrr,
        churned_mrr,
        closing_mrr,
        cast(customers_opening as bigint) as customers_opening,
        cast(customers_closing as bigint) as customers_closing,
        {{ revenue_ratio('opening_mrr + expansion_mrr - contraction_mrr - churned_mrr', 'opening_mrr') }}
            as nrr_1m,
        {{ revenue_ratio('opening_mrr - contraction_mrr - churned_mrr', 'opening_mrr') }} as grr_1m,
        {{ revenue_ratio('new_mrr + reactivation_mrr + expansion_mrr', 'contraction_mrr + churned_mrr') }}
            as quick_ratio,
        is_complete
    from joined

)

select * from final
