{#- Support cases, one row per case id; soft-deleted ones are in stg_salesforce__rejects. -#}

with

base as (

    select * from {{ ref('base_salesforce__case') }}

),

final as (

    select
        case_id,
        account_id,
        contact_id,
        status,
        priority,
        origin,
        is_escalated,
        is_closed,
        created_at,
        closed_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
