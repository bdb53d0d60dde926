{#- Every raw stripe.subscription_history row (one per version), typed, with its
    reject verdict and overlap flag. All versions are kept; only exact duplicate
    versions (same id and _fivetran_start) are rejected. Statuses outside the
    documented list are kept: they count 0 MRR (METRICS.md). -#}

with

source as (

    select * from {{ source('stripe', 'subscription_history') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as subscription_id,
        {{ clean_text('source.customer_id') }} as customer_id,

        -- strings
        {{ to_enum('source.status') }} as status,

        -- booleans
        {{ to_boolean('source.cancel_at_period_end') }} as is_cancel_at_period_end,
        {{ to_boolean('source._fivetran_active') }} as is_active_in_source,

        -- timestamps
        {{ to_utc_timestamp('source.created') }} as created_at,
        {{ to_utc_timestamp('source.start_date') }} as started_at,
        {{ to_utc_timestamp('source.current_period_start') }} as current_period_start_at,
        {{ to_utc_timestamp('source.current_period_end') }} as current_period_end_at,
        {{ to_utc_timestamp('source.canceled_at') }} as canceled_at,
        {{ to_utc_timestamp('source.ended_at') }} as ended_at,
        {{ to_utc_timestamp('source.trial_start') }} as trial_start_at,
        {{ to_utc_timestamp('source.trial_end') }} as trial_end_at,
        {{ to_utc_timestamp('source._fivetran_start') }} as version_start_at,
        {# A missing end is read as open; an end that does not parse is rejected. #}
        coalesce(
            {{ to_utc_timestamp('source._fivetran_end') }},
            case when {{ clean_text('source._fivetran_end') }} is null then {{ fivetran_open_end() }} end
        ) as version_end_at,

        -- raw text, for the key and the reject rules
        {{ clean_text('source._fivetran_start') }} as raw_version_start,
        {{ clean_text('source._fivetran_end') }} as raw_version_end

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.subscription_id, renamed.version_start_at
            order by
                renamed.is_active_in_source desc nulls last,
                renamed.version_end_at desc nulls last
        ) as key_rank
    from renamed

),

checked as (

    select
        ranked.*,
        case when ranked.subscription_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1 and ranked.version_start_at is not null
                then
                    'version ' || ranked.subscription_id || '@'
                    || cast(ranked.version_start_at as {{ dbt.type_string() }})
                    || ' is an exact duplicate; another copy wins'
        end as duplicate_detail,
        case
            when ranked.version_start_at is null
                then '_fivetran_start ' || coalesce(ranked.raw_version_start, 'null') || ' is missing or does not parse'
            when ranked.version_end_at is null
                then '_fivetran_end ' || ranked.raw_version_end || ' does not parse'
        end as invalid_timestamp_detail
    from ranked

),

verdicts as (

    select
        checked.*,
        case
            when checked.null_key_detail is not null then 'null_key'
            when checked.duplicate_detail is not null then 'duplicate'
            when checked.invalid_timestamp_detail is not null then 'invalid_timestamp'
        end as reject_reason,
        coalesce(
            checked.null_key_detail, checked.duplicate_detail, checked.invalid_timestamp_detail
        ) as reject_detail
    from checked

),

{# Overlap (a connector fault): flagged on the EARLIER version, the one whose end
    runs past the next version's start. The later-starting version wins at any
    instant (METRICS.md), so the flagged version is the one partly overridden.
    Only kept versions take part. #}
overlap_flagged as (

    select
        verdicts.*,
        case
            when verdicts.reject_reason is null
                then coalesce(
                    lead(verdicts.version_start_at) over (
                        partition by verdicts.subscription_id, verdicts.reject_reason
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
        subscription_id,
        customer_id,
        status,
        is_cancel_at_period_end,
        created_at,
        started_at,
        current_period_start_at,
        current_period_end_at,
        canceled_at,
        ended_at,
        trial_start_at,
        trial_end_at,
        version_start_at,
        version_end_at,
        coalesce(is_active_in_source, version_end_at = {{ fivetran_open_end() }}) as is_current_version,
        is_overlapping_version,
        subscription_id || '@' || coalesce(cast(version_start_at as {{ dbt.type_string() }}), raw_version_start, '')
            as source_row_key,
        reject_reason,
        reject_detail
    from overlap_flagged

)

select * from final
