{#- Products: the usable rows of
    stripe.product (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__product') }}

),

final as (

    select
        product_id,
        product_name,
        is_active,
        synced_at
    from base
    where reject_reason is null

)

select * from final
