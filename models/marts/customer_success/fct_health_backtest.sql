{#- Health-score backtest: for each complete month and health band, the paying
    customers in the band at month end and the share that churned within the
    next 3, 6 and 12 months - the evidence that the score predicts churn.

    * Band at month end: fct_customer_health_monthly, complete months, paying
      customers with a score.
    * Churned within k months: a customer-level churn movement
      (fct_customer_mrr_movements) in one of the months m+1 .. m+k. A customer
      that churns and comes back within the window counts as churned.
    * The k-month figures are null when month m+k is not complete yet (the
      outcome is not known at as_of_date). -#}


with

snapshots as (

    select
        customer_id,
        month,
        health_band
    from {{ ref('fct_customer_health_monthly') }}
    where is_complete and is_paying and health_band is not null

),

churns as (

    select distinct
        customer_id,
        month as churn_month
    from {{ ref('fct_customer_mrr_movements') }}
    where movement_type = 'churn'

),

as_of_month as (

    select cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as month

),

outcomes as (

    select
        snapshots.customer_id,
        snapshots.month,
        snapshots.health_band,
        min(churns.churn_month) as next_churn_month
    from snapshots
    left join churns
        on
            snapshots.customer_id = churns.customer_id
            and snapshots.month < churns.churn_month
    group by 1, 2, 3

),

{# Churned within k months: the next churn falls in m+1 .. m+k; unknown (null)
    while month m+k is not complete (it is not before the as_of_date month). #}
outcomes_by_horizon as (

    select
        outcomes.*,
        case
            when cast({{ dbt.dateadd('month', 3, 'outcomes.month') }} as date) >= as_of_month.month then null
            when outcomes.next_churn_month <= cast({{ dbt.dateadd('month', 3, 'outcomes.month') }} as date) then 1
            else 0
        end as churned_within_3m,
        case
            when cast({{ dbt.dateadd('month', 6, 'outcomes.month') }} as date) >= as_of_month.month then null
            when outcomes.next_churn_month <= cast({{ dbt.dateadd('month', 6, 'outcomes.month') }} as date) then 1
            else 0
        end as churned_within_6m,
        case
            when cast({{ dbt.dateadd('month', 12, 'outcomes.month') }} as date) >= as_of_month.month then null
            when outcomes.next_churn_month <= cast({{ dbt.dateadd('month', 12, 'outcomes.month') }} as date) then 1
            else 0
        end as churned_within_12m
    from outcomes
    cross join as_of_month

),

final as (

    select
        month,
        health_band,
        cast(count(*) as integer) as customers,
        cast(sum(churned_within_3m) as integer) as churned_customers_3m,
        cast(sum(churned_within_3m) as {{ type_double() }}) / count(*) as churn_share_3m,
        cast(sum(churned_within_6m) as integer) as churned_customers_6m,
        cast(sum(churned_within_6m) as {{ type_double() }}) / count(*) as churn_share_6m,
        cast(sum(churned_within_12m) as integer) as churned_customers_12m,
        cast(sum(churned_within_12m) as {{ type_double() }}) / count(*) as churn_share_12m
    from outcomes_by_horizon
    group by 1, 2

)

select * from final
