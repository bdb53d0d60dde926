{#- Discounts applied to subscriptions: the usable rows of
    stripe.subscription_discount (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__subscription_discount') }}

),

final as (

    select
        discount_id,
        subscription_id,
        coupon_id,
        customer_id,
        start_at,
        end_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
