{#- Every raw salesforce.case row (support cases), typed and renamed, with its
    reject verdict. The raw table has no is_closed: a case is closed when it has
    a closed date. -#}

with

source as (

    select * from {{ source('salesforce', 'case') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as case_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,

        -- strings
        {{ clean_text('status') }} as status,
        {{ clean_text('priority') }} as priority,
        {{ clean_text('origin') }} as origin,

        -- booleans
        {{ to_boolean('is_escalated') }} as is_escalated,
        {{ to_utc_timestamp('closed_date') }} is not null as is_closed,
        coalesce({{ to_boolean('is_deleted') }}, false) as is_deleted,

        -- timestamps
        {{ to_utc_timestamp('created_date') }} as created_at,
        {{ to_utc_timestamp('closed_date') }} as closed_at,
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins), soft_deleted. #}
checked as (

    select
        *,
        case when case_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || case_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail,
        case when is_deleted then 'is_deleted=true' end as soft_deleted_detail
    from ranked

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
        is_deleted,
        created_at,
        closed_at,
        synced_at,
        case_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when soft_deleted_detail is not null then 'soft_deleted'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, soft_deleted_detail) as reject_detail
    from checked

)

select * from final
