{#- Billing customers: the usable rows of
    stripe.customer (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__customer') }}

),

final as (

    select
        customer_id,
        customer_email,
        customer_name,
        currency,
        salesforce_account_id,
        metadata_status,
        is_delinquent,
        is_deleted,
        created_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
