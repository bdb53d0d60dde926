{#- CRM opportunities, one row per opportunity id; soft-deleted ones are in stg_salesforce__rejects. -#}

with

base as (

    select * from {{ ref('base_salesforce__opportunity') }}

),

final as (

    select
        opportunity_id,
        account_id,
        owner_user_id,
        opportunity_type,
        stage_name,
        lead_source,
        currency_code,
        amount,
        is_won,
        is_closed,
        close_date,
        created_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
