{#- Every raw salesforce.task row (calls, meetings, e-mails, QBRs), typed and
    renamed, with its reject verdict. who_id is the contact the task is with. -#}

with

source as (

    select * from {{ source('salesforce', 'task') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as task_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('who_id') }} as contact_id,

        -- strings
        {{ clean_text('type') }} as task_type,
        {{ clean_text('subject') }} as subject,
        {{ clean_text('status') }} as status,

        -- booleans
        coalesce({{ to_boolean('is_deleted') }}, false) as is_deleted,

        -- dates
        {{ try_cast_as(clean_text('activity_date'), 'date') }} as activity_date,

        -- timestamps
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by task_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins), soft_deleted. #}
checked as (

    select
        *,
        case when task_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || task_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail,
        case when is_deleted then 'is_deleted=true' end as soft_deleted_detail
    from ranked

),

final as (

    select
        task_id,
        account_id,
        contact_id,
        task_type,
        subject,
        status,
        is_deleted,
        activity_date,
        synced_at,
        task_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when soft_deleted_detail is not null then 'soft_deleted'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, soft_deleted_detail) as reject_detail
    from checked

)

select * from final
