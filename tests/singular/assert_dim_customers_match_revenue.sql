{#- dim_customers (METRICS.md mart contract) holds exactly one row per customer
    that ever had MRR > 0 in fct_customer_mrr_monthly - no customer missing, none
    extra - and its current_mrr is that customer's MRR in the as_of_date month.
    (Uniqueness of customer_id is a generic test on the model.) Returns the
    customers that break it, with the reason. -#}

with

revenue_customers as (

    select
        customer_id,
        max(
            case when month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date) then mrr end
        ) as as_of_month_mrr
    from {{ ref('fct_customer_mrr_monthly') }}
    group by 1
    having max(mrr) > 0

),

dim_customers as (

    select
        customer_id,
        current_mrr
    from {{ ref('dim_customers') }}

),

compared as (

    select
        coalesce(revenue_customers.customer_id, dim_customers.customer_id) as customer_id,
        revenue_customers.as_of_month_mrr,
        dim_customers.current_mrr,
        case
            when revenue_customers.customer_id is null then 'not_a_paying_customer'
            when dim_customers.customer_id is null then 'missing_from_dim_customers'
            when revenue_customers.as_of_month_mrr is null then 'no_as_of_month_in_revenue'
            when revenue_customers.as_of_month_mrr <> dim_customers.current_mrr then 'current_mrr_differs'
        end as failure
    from revenue_customers
    full outer join dim_customers
        on revenue_customers.customer_id = dim_customers.customer_id

)

select * from compared
where failure is not null
