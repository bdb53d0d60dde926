{#- For every customer and month, the contract-grain movements summed equal the
    customer's net MRR change (contract grain and customer grain describe the same
    revenue; only the classification differs). Returns the customer-months where
    they differ. -#}

with

contract_changes as (

    select
        customer_id,
        month,
        sum(mrr_change) as contracts_mrr_change
    from {{ ref('fct_contract_mrr_movements') }}
    group by 1, 2

),

customer_months as (

    select
        customer_id,
        month,
        mrr - coalesce(lag(mrr) over (partition by customer_id order by month), 0) as customer_mrr_change
    from {{ ref('fct_customer_mrr_monthly') }}

),

checked as (

    select
        coalesce(customer_months.customer_id, contract_changes.customer_id) as customer_id,
        coalesce(customer_months.month, contract_changes.month) as month,
        customer_months.customer_mrr_change,
        contract_changes.contracts_mrr_change
    from customer_months
    full outer join contract_changes
        on
            customer_months.customer_id = contract_changes.customer_id
            and customer_months.month = contract_changes.month

)

select *
from checked
where coalesce(customer_mrr_change, 0) <> coalesce(contracts_mrr_change, 0)
