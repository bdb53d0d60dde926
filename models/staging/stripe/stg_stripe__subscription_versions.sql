{#- Subscription versions (history mode, every version kept): the usable rows of
    stripe.subscription_history (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__subscription_history') }}

),

final as (

    select
        subscription_id,
        customer_id,
        status,
        is_cancel_at_period_end,
        created_at,
        started_at,
        current_period_start_at,
        current_period_end_at,
        canceled_at,
        ended_at,
        trial_start_at,
        trial_end_at,
        version_start_at,
        version_end_at,
        is_current_version,
        is_overlapping_version
    from base
    where reject_reason is null

)

select * from final
