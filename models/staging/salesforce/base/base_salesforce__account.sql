{#- Every raw salesforce.account row, typed and renamed, with its reject verdict.
    Accounts are never rejected for is_deleted: a merged account is deleted and
    carries master_account_id, which later layers follow to the survivor. -#}

with

source as (

    select * from {{ source('salesforce', 'account') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as account_id,
        {{ clean_text('parent_id') }} as parent_account_id,
        {{ clean_text('master_record_id') }} as master_account_id,
        {{ clean_text('owner_id') }} as owner_user_id,

        -- strings
        {{ clean_text('name') }} as account_name,
        {{ clean_text('type') }} as account_type,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('account_source') }} as acquisition_channel,
        {{ clean_text('billing_country') }} as billing_country,

        -- numerics
        {{ try_cast_whole_number('number_of_employees', 'integer') }} as employee_count,

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
            partition by account_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins). #}
checked as (

    select
        *,
        case when account_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || account_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail
    from ranked

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
        synced_at,
        account_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
