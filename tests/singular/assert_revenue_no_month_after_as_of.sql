{#- Nothing after as_of_date is ever reported (METRICS.md): no mart row has a
    month after the as_of_date month; the as_of_date month is the only incomplete
    one; retention only reports complete months. Returns the offending rows. -#}

{%- set as_of_month = "cast(" ~ dbt.date_trunc('month', as_of_date()) ~ " as date)" %}

with

months as (

    select
        'fct_contract_mrr_monthly' as model_name,
        month,
        is_complete
    from {{ ref('fct_contract_mrr_monthly') }}

    union all

    select
        'fct_customer_mrr_monthly' as model_name,
        month,
        is_complete
    from {{ ref('fct_customer_mrr_monthly') }}

    union all

    select
        'fct_contract_mrr_movements' as model_name,
        month,
        is_complete
    from {{ ref('fct_contract_mrr_movements') }}

    union all

    select
        'fct_customer_mrr_movements' as model_name,
        month,
        is_complete
    from {{ ref('fct_customer_mrr_movements') }}

    union all

    select
        'fct_mrr_bridge' as model_name,
        month,
        is_complete
    from {{ ref('fct_mrr_bridge') }}

    union all

    select
        'fct_revenue_retention' as model_name,
        month,
        month < {{ as_of_month }} as is_complete
    from {{ ref('fct_revenue_retention') }}

)

select *
from months
where
    month > {{ as_of_month }}
    or is_complete <> (month < {{ as_of_month }})
    or (model_name = 'fct_revenue_retention' and not is_complete)
