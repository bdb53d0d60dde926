{#- The health score predicts churn (issue 4): pooled over every complete month
    with a known 6-month outcome, the share of customer-months that churned within
    6 months is higher in red than in yellow, and higher in yellow than in green.
    Only bands with at least var health_backtest_min_customer_months such
    customer-months are judged, so small books (the 25-customer pytest books)
    pass untested instead of failing on noise. Returns the offending pairs. -#}

with

pooled as (

    select
        health_band,
        sum(customers) as customer_months,
        cast(sum(churned_customers_6m) as {{ type_double() }}) / sum(customers) as churn_share_6m
    from {{ ref('fct_health_backtest') }}
    where churned_customers_6m is not null
    group by 1
    having sum(customers) >= {{ var('health_backtest_min_customer_months') }}

),

pairs as (

    select
        worse.health_band as worse_band,
        better.health_band as better_band,
        worse.churn_share_6m as worse_churn_share_6m,
        better.churn_share_6m as better_churn_share_6m
    from pooled as worse
    inner join pooled as better
        on
            (worse.health_band = 'red' and better.health_band = 'yellow')
            or (worse.health_band = 'yellow' and better.health_band = 'green')
            or (worse.health_band = 'red' and better.health_band = 'green')

)

select *
from pairs
where worse_churn_share_6m <= better_churn_share_6m
