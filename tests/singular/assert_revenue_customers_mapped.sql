{{ config(severity='warn') }}
{#- Data-quality warning: contracts with revenue whose billing customer has no
    usable CRM link. Their revenue is kept under unmapped:<stripe customer id>
    (METRICS.md: never dropped); fix the Stripe metadata (or the CRM) to attach
    it to the right customer. Returns one row per unmapped contract. -#}

select
    contracts.subscription_id,
    contracts.stripe_customer_id,
    contracts.customer_id,
    contracts.mapping_status
from {{ ref('int_contracts_mapped') }} as contracts
where
    contracts.is_customer_unmapped
    and contracts.subscription_id in (
        select revenue.subscription_id
        from {{ ref('fct_contract_mrr_monthly') }} as revenue
    )
