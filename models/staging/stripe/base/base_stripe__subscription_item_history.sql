{#- Every raw stripe.subscription_item_history row (one per version), typed, with
    its reject verdict and overlap flag. A deleted item keeps its versions; its
    last one carries is_deleted_version and counts on its interval like any
    other (SOURCES.md). A null quantity is kept as null (it counts as 1 later). -#}

with

source as (

    select * from {{ source('stripe', 'subscription_item_history') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as subscription_item_id,
        {{ clean_text('source.subscription_id') }} as subscription_id,
        {{ clean_text('source.price_id') }} as price_id,

        -- numerics
        {{ try_cast_whole_number('source.quantity', 'integer') }} as quantity,

        -- booleans
        {{ to_boolean('source._fivetran_active') }} as is_active_in_source,
        coalesce({{ to_boolean('source._fivetran_deleted') }}, false) as is_deleted_version,

        -- timestamps
        {{ to_utc_timestamp('source.created') }} as created_at,
        {{ to_utc_timestamp('source._fivetran_start') }} as version_start_at,
        {# A missing end is read as open; an end that does not parse is rejected. #}
        coalesce(
            {{ to_utc_timestamp('source._fivetran_end') }},
            case when {{ clean_text('source._fivetran_end') }} is null then {{ fivetran_open_end() }} end
        ) as version_end_at,

        -- raw text, for the key and the reject rules
        {{ clean_text('source.quantity') }} as raw_quantity,
        {{ clean_text('source._fivetran_start') }} as raw_version_start,
        {{ clean_text('source._fivetran_end') }} as raw_version_end

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.subscription_item_id, renamed.version_start_at
            order by
                renamed.is_active_in_source desc nulls last,
                renamed.version_end_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate, invalid_timestamp, negative_quantity,
    invalid_value. #}
checked as (

    select
        ranked.*,
        case when ranked.subscription_item_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1 and ranked.version_start_at is not null
                then
                    'version ' || ranked.subscription_item_id || '@'
                    || cast(ranked.version_start_at as {{ dbt.type_string() }})
                    || ' is an exact duplicate; another copy wins'
        end as duplicate_detail,
        case
            when ranked.version_start_at is null
                then '_fivetran_start ' || coalesce(ranked.raw_version_start, 'null') || ' is missing or does not parse'
            when ranked.version_end_at is null
                then '_fivetran_end ' || ranked.raw_version_end || ' does not parse'
        end as invalid_timestamp_detail,
        case
            when {{ try_cast_as('ranked.raw_quantity', 'decimal(38, 6)') }} < 0
                then 'quantity ' || ranked.raw_quantity || ' is below zero'
        end as negative_quantity_detail,
        case
            when ranked.raw_quantity is not null and ranked.quantity is null
                then 'quantity ' || ranked.raw_quantity || ' is not a whole number'
        end as invalid_value_detail
    from ranked

),

verdicts as (

    select
        checked.*,
        case
            when checked.null_key_detail is not null then 'null_key'
            when checked.duplicate_detail is not null then 'duplicate'
            when checked.invalid_timestamp_detail is not null then 'invalid_timestamp'
            when checked.negative_quantity_detail is not null then 'negative_quantity'
            when checked.invalid_value_detail is not null then 'invalid_value'
        end as reject_reason,
        coalesce(
            checked.null_key_detail,
            checked.duplicate_detail,
            checked.invalid_timestamp_detail,
            checked.negative_quantity_detail,
            checked.invalid_value_detail
        ) as reject_detail
    from checked

),

{# Overlap: flagged on the EARLIER version (its end runs past the next version's
    start); the later-starting version wins at any instant (METRICS.md). Only
    kept versions take part. #}
overlap_flagged as (

    select
        verdicts.*,
        case
            when verdicts.reject_reason is null
                then coalesce(
                    lead(verdicts.version_start_at) over (
                        partition by verdicts.subscription_item_id, verdicts.reject_reason
                        order by verdicts.version_start_at
                    ) < verdicts.version_end_at,
                    false
                )
            else false
        end as is_overlapping_version
    from verdicts

),

final as (

    select
        subscription_item_id,
        subscription_id,
        price_id,
        quantity,
        created_at,
        version_start_at,
        version_end_at,
        coalesce(is_active_in_source, version_end_at = {{ fivetran_open_end() }}) as is_current_version,
        is_deleted_version,
        is_overlapping_version,
        subscription_item_id || '@'
        || coalesce(cast(version_start_at as {{ dbt.type_string() }}), raw_version_start, '') as source_row_key,
        reject_reason,
        reject_detail
    from overlap_flagged

)

select * from final
