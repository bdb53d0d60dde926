{#- CRM users (owners of accounts and opportunities), one row per user id. -#}

with

base as (

    select * from {{ ref('base_salesforce__user') }}

),

final as (

    select
        user_id,
        user_name,
        email,
        is_active,
        synced_at
    from base
    where reject_reason is null

)

select * from final
