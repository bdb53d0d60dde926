{#- Every Stripe billing customer with the customer (ultimate parent CRM account)
    its revenue belongs to (METRICS.md, "Grain and time"). A billing customer
    without a usable CRM link becomes its own customer, unmapped:<stripe customer
    id>: revenue is never dropped, and mapping_status says why. -#}

with

billing_customers as (

    select
        customer_id as stripe_customer_id,
        salesforce_account_id,
        metadata_status
    from {{ ref('stg_stripe__customers') }}

),

accounts as (

    select
        account_id,
        customer_account_id
    from {{ ref('int_accounts_rolled_up') }}

),

{# Unusable link (METRICS.md): metadata missing, empty, not a JSON object, lacking
    the key or with an empty value (staging's metadata_status), or naming an id
    that is not in salesforce.account (exact match). #}
final as (

    select
        billing_customers.stripe_customer_id,
        billing_customers.salesforce_account_id,
        coalesce(
            accounts.customer_account_id,
            {{ revenue_unmapped_customer_id('billing_customers.stripe_customer_id') }}
        ) as customer_id,
        case
            when billing_customers.salesforce_account_id is null
                then coalesce(nullif(billing_customers.metadata_status, 'ok'), 'missing')
            when accounts.account_id is null then 'unknown_account'
            else 'mapped'
        end as mapping_status,
        accounts.customer_account_id is null as is_customer_unmapped
    from billing_customers
    left join accounts
        on billing_customers.salesforce_account_id = accounts.account_id

)

select * from final
