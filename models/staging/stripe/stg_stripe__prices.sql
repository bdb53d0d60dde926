{#- Prices (amounts in major units): the usable rows of
    stripe.price (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__price') }}

),

final as (

    select
        price_id,
        product_id,
        currency,
        nickname,
        recurring_interval,
        recurring_interval_count,
        unit_amount,
        is_active,
        synced_at
    from base
    where reject_reason is null

)

select * from final
