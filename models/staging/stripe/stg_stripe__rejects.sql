{#- Every raw stripe row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_stripe__* models it accounts
    for every raw row (stg_raw_row_accounting). -#}

with

customer_rejects as (

    select
        'stripe.customer' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__customer') }}
    where reject_reason is not null

),

product_rejects as (

    select
        'stripe.product' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__product') }}
    where reject_reason is not null

),

price_rejects as (

    select
        'stripe.price' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__price') }}
    where reject_reason is not null

),

subscription_version_rejects as (

    select
        'stripe.subscription_history' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__subscription_history') }}
    where reject_reason is not null

),

subscription_item_version_rejects as (

    select
        'stripe.subscription_item_history' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__subscription_item_history') }}
    where reject_reason is not null

),

coupon_rejects as (

    select
        'stripe.coupon' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__coupon') }}
    where reject_reason is not null

),

subscription_discount_rejects as (

    select
        'stripe.subscription_discount' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__subscription_discount') }}
    where reject_reason is not null

),

invoice_rejects as (

    select
        'stripe.invoice' as source_table,
        source_row_key,
        reject_reason,
        reject_detail
    from {{ ref('base_stripe__invoice') }}
    where reject_reason is not null

),

final as (

    select * from customer_rejects
    union all
    select * from product_rejects
    union all
    select * from price_rejects
    union all
    select * from subscription_version_rejects
    union all
    select * from subscription_item_version_rejects
    union all
    select * from coupon_rejects
    union all
    select * from subscription_discount_rejects
    union all
    select * from invoice_rejects

)

select * from final
