{#- CRM tasks (calls, meetings, e-mails, QBRs), one row per task id; soft-deleted
    ones are in stg_salesforce__rejects. -#}

with

base as (

    select * from {{ ref('base_salesforce__task') }}

),

final as (

    select
        task_id,
        account_id,
        contact_id,
        task_type,
        subject,
        status,
        activity_date,
        synced_at
    from base
    where reject_reason is null

)

select * from final
