{#- The bridge's closing MRR and closing customer count equal those summed
    straight from the contract grain for every month with contract rows (no
    revenue lost or double counted between the grains). Returns the months that
    differ. -#}

with

contract_totals as (

    select
        month,
        sum(mrr) as contracts_mrr
    from {{ ref('fct_contract_mrr_monthly') }}
    group by 1

),

customer_counts as (

    select
        month,
        count(*) as customers_with_mrr
    from (
        select
            customer_id,
            month
        from {{ ref('fct_contract_mrr_monthly') }}
        group by 1, 2
        having sum(mrr) > 0
    ) as customer_months
    group by 1

),

bridge as (

    select * from {{ ref('fct_mrr_bridge') }}

),

checked as (

    select
        coalesce(bridge.month, contract_totals.month) as month,
        bridge.closing_mrr,
        contract_totals.contracts_mrr,
        bridge.customers_closing,
        coalesce(customer_counts.customers_with_mrr, 0) as customers_with_mrr
    from bridge
    full outer join contract_totals
        on bridge.month = contract_totals.month
    left join customer_counts
        on coalesce(bridge.month, contract_totals.month) = customer_counts.month

)

select *
from checked
where
    closing_mrr is null
    or closing_mrr <> coalesce(contracts_mrr, 0)
    or customers_closing <> customers_with_mrr
