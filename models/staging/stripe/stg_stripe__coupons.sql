{#- Coupons (amount_off in major units): the usable rows of
    stripe.coupon (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__coupon') }}

),

final as (

    select
        coupon_id,
        currency,
        duration,
        duration_in_months,
        percent_off,
        amount_off,
        synced_at
    from base
    where reject_reason is null

)

select * from final
