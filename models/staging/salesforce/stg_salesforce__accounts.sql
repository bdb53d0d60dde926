{#- CRM accounts, one row per account id, merged (deleted) accounts included. -#}

with

base as (

    select * from {{ ref('base_salesforce__account') }}

),

final as (

    select
        account_id,
        account_name,
        parent_account_id,
        master_account_id,
        account_type,
        industry,
        acquisition_channel,
        billing_country,
        owner_user_id,
        employee_count,
        is_deleted,
        created_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
