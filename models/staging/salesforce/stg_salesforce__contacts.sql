{#- CRM contacts, one row per contact id; soft-deleted contacts are in stg_salesforce__rejects. -#}

with

base as (

    select * from {{ ref('base_salesforce__contact') }}

),

final as (

    select
        contact_id,
        account_id,
        email,
        first_name,
        last_name,
        title,
        created_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
