{#- Group calls (a product user joins a CRM account), one row per call id. A user
    belongs to the account of its latest call. Rejected rows are in
    stg_segment__rejects. -#}

with

base as (

    select * from {{ ref('base_segment__groups') }}

),

final as (

    select
        group_call_id,
        user_id,
        account_id,
        grouped_at,
        received_at
    from base
    where reject_reason is null

)

select * from final
