{#- Every raw stripe.customer row, typed, with its reject verdict.
    Customers are never rejected for metadata (revenue is never dropped): a
    customer without a usable CRM link gets salesforce_account_id null and
    metadata_status says why (docs/architecture.md). -#}

with

source as (

    select * from {{ source('stripe', 'customer') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as customer_id,

        -- strings
        {{ normalise_email('source.email') }} as customer_email,
        {{ clean_text('source.name') }} as customer_name,
        {{ normalise_currency('source.currency') }} as currency,
        cast(source.metadata as {{ dbt.type_string() }}) as metadata_text,
        {{ json_text_or_null('cast(source.metadata as ' ~ dbt.type_string() ~ ')') }} as metadata_json_text,

        -- booleans
        {{ to_boolean('source.delinquent') }} as is_delinquent,
        coalesce({{ to_boolean('source.is_deleted') }}, false) as is_deleted,

        -- timestamps
        {{ to_utc_timestamp('source.created') }} as created_at,
        {{ to_utc_timestamp('source._fivetran_synced') }} as synced_at

    from source

),

metadata_parsed as (

    select
        renamed.*,
        {{ json_text_kind('renamed.metadata_text') }} as metadata_kind,
        {{ json_has_key('renamed.metadata_json_text', 'salesforce_account_id') }} as has_salesforce_key,
        {{ clean_text(json_get_text('renamed.metadata_json_text', 'salesforce_account_id')) }} as salesforce_key_value
    from renamed

),

{# metadata_status: missing / empty / invalid_json / not_object come from the text,
    missing_key when the object lacks the key, empty_value when the key holds
    null or blank text, ok otherwise. #}
metadata_classified as (

    select
        metadata_parsed.*,
        case
            when metadata_parsed.metadata_kind <> 'object' then metadata_parsed.metadata_kind
            when not metadata_parsed.has_salesforce_key then 'missing_key'
            when metadata_parsed.salesforce_key_value is null then 'empty_value'
            else 'ok'
        end as metadata_status
    from metadata_parsed

),

ranked as (

    select
        metadata_classified.*,
        row_number() over (
            partition by metadata_classified.customer_id
            order by metadata_classified.synced_at desc nulls last
        ) as key_rank
    from metadata_classified

),

checked as (

    select
        ranked.*,
        case when ranked.customer_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1
                then 'id ' || ranked.customer_id || ' has a later-synced row that wins'
        end as duplicate_detail
    from ranked

),

final as (

    select
        customer_id,
        customer_email,
        customer_name,
        currency,
        case when metadata_status = 'ok' then salesforce_key_value end as salesforce_account_id,
        metadata_status,
        is_delinquent,
        is_deleted,
        created_at,
        synced_at,
        customer_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
