{#- Every raw salesforce.contact row, typed and renamed, with its reject verdict. -#}

with

source as (

    select * from {{ source('salesforce', 'contact') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,

        -- strings
        {{ normalise_email('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('title') }} as title,

        -- booleans
        coalesce({{ to_boolean('is_deleted') }}, false) as is_deleted,

        -- timestamps
        {{ to_utc_timestamp('created_date') }} as created_at,
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by contact_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins), soft_deleted. #}
checked as (

    select
        *,
        case when contact_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || contact_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail,
        case when is_deleted then 'is_deleted=true' end as soft_deleted_detail
    from ranked

),

final as (

    select
        contact_id,
        account_id,
        email,
        first_name,
        last_name,
        title,
        is_deleted,
        created_at,
        synced_at,
        contact_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when soft_deleted_detail is not null then 'soft_deleted'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, soft_deleted_detail) as reject_detail
    from checked

)

select * from final
