{#- Subscription item versions (history mode, every version kept): the usable rows of
    stripe.subscription_item_history (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__subscription_item_history') }}

),

final as (

    select
        subscription_item_id,
        subscription_id,
        price_id,
        quantity,
        created_at,
        version_start_at,
        version_end_at,
        is_current_version,
        is_deleted_version,
        is_overlapping_version
    from base
    where reject_reason is null

)

select * from final
