{#- MRR of every customer at the end of every month: the sum of its contracts'
    MRR (METRICS.md: customer grain sums the customer's contracts first), from the
    customer's first month with MRR > 0 through the as_of_date month, zero months
    included. The primary contract (largest MRR, tie: smallest subscription id)
    gives the customer's plan and billing currency for that month, the
    segments retention uses at the cohort start. -#}

with

contract_months as (

    select
        subscription_id,
        customer_id,
        month,
        is_complete,
        billing_currency,
        plan_name,
        mrr,
        is_customer_unmapped
    from {{ ref('fct_contract_mrr_monthly') }}

),

contracts_ranked as (

    select
        contract_months.*,
        row_number() over (
            partition by contract_months.customer_id, contract_months.month
            order by contract_months.mrr desc, contract_months.subscription_id asc
        ) as contract_rank
    from contract_months

),

final as (

    select
        customer_id,
        month,
        min(case when is_complete then 1 else 0 end) = 1 as is_complete,
        cast(sum(mrr) as decimal(38, 6)) as mrr,
        count(case when mrr > 0 then 1 end) as contracts_with_mrr,
        max(case when contract_rank = 1 and mrr > 0 then subscription_id end) as primary_subscription_id,
        max(case when contract_rank = 1 and mrr > 0 then plan_name end) as plan_name,
        max(case when contract_rank = 1 and mrr > 0 then billing_currency end) as billing_currency,
        max(case when is_customer_unmapped then 1 else 0 end) = 1 as is_customer_unmapped
    from contracts_ranked
    group by 1, 2

)

select * from final
