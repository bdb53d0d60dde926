{#- Product users (identify calls), one row per user id. Rejected rows are in
    stg_segment__rejects. -#}

with

base as (

    select * from {{ ref('base_segment__users') }}

),

final as (

    select
        user_id,
        email,
        user_name,
        role,
        department,
        created_at,
        received_at
    from base
    where reject_reason is null

)

select * from final
