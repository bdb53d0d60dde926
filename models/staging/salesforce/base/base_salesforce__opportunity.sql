{#- Every raw salesforce.opportunity row, typed and renamed, with its reject verdict.
    amount is already in major units; a missing currency (column absent, null or
    empty) means the org's corporate currency, USD. -#}

with

source as (

    select * from {{ source('salesforce', 'opportunity') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_id') }} as owner_user_id,

        -- strings
        {{ clean_text('type') }} as opportunity_type,
        {{ clean_text('stage_name') }} as stage_name,
        {{ clean_text('lead_source') }} as lead_source,
        coalesce(
            {{ normalise_currency(source_column_or_null('salesforce', 'opportunity', 'currency_iso_code')) }},
            'USD'
        ) as currency_code,

        -- numerics
        {{ try_cast_as(clean_text('amount'), 'decimal(38, 6)') }} as amount,

        -- booleans
        {{ to_boolean('is_won') }} as is_won,
        {{ to_boolean('is_closed') }} as is_closed,
        coalesce({{ to_boolean('is_deleted') }}, false) as is_deleted,

        -- dates
        {{ try_cast_as(clean_text('close_date'), 'date') }} as close_date,

        -- timestamps
        {{ to_utc_timestamp('created_date') }} as created_at,
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by opportunity_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins), soft_deleted. #}
checked as (

    select
        *,
        case when opportunity_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || opportunity_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail,
        case when is_deleted then 'is_deleted=true' end as soft_deleted_detail
    from ranked

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
        is_deleted,
        close_date,
        created_at,
        synced_at,
        opportunity_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when soft_deleted_detail is not null then 'soft_deleted'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, soft_deleted_detail) as reject_detail
    from checked

)

select * from final
