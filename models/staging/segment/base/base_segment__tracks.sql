{#- Every raw segment.tracks row (product events), typed and renamed, with its
    reject verdict. Delivery is at-least-once and client clocks can be wrong
    (SOURCES.md). Anonymous events (no user_id) are kept. -#}

with

source as (

    select * from {{ source('segment', 'tracks') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as event_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,

        -- strings
        {{ clean_text('event') }} as event_name,
        {{ clean_text('event_text') }} as event_text,
        {{ clean_text(source_column_or_null('segment', 'tracks', 'context_ip')) }} as context_ip,

        -- timestamps (any UTC offset -> naive UTC)
        {{ to_utc_timestamp('timestamp') }} as event_at,
        {{ to_utc_timestamp('original_timestamp') }} as original_at,
        {{ to_utc_timestamp('sent_at') }} as sent_at,
        {{ to_utc_timestamp('received_at') }} as received_at,

        -- raw text, for the reject details
        {{ clean_text('timestamp') }} as raw_timestamp,
        {{ clean_text('received_at') }} as raw_received_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by received_at desc nulls last, event_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest received_at wins),
    invalid_timestamp (event time or received time missing or unparseable),
    future_timestamp (client clock ahead of the server by more than the
    tolerance), implausible_timestamp (client clock reset, e.g. 1970). #}
checked as (

    select
        *,
        case when event_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || event_id || ' repeated; the row with the latest received_at wins'
        end as duplicate_detail,
        case
            when event_at is null
                then 'timestamp=' || {{ detail_text('raw_timestamp') }} || ' is missing or does not parse'
            when received_at is null
                then 'received_at=' || {{ detail_text('raw_received_at') }} || ' is missing or does not parse'
        end as invalid_timestamp_detail,
        case
            when event_at > {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), 'received_at') }}
                then
                    'timestamp='
                    || cast(event_at as {{ dbt.type_string() }})
                    || ' (UTC) is more than {{ var("future_timestamp_tolerance_hours") }}h after received_at='
                    || cast(received_at as {{ dbt.type_string() }})
        end as future_timestamp_detail,
        case
            when event_at < cast('{{ var("earliest_plausible_date") }}' as timestamp)
                then
                    'timestamp='
                    || cast(event_at as {{ dbt.type_string() }})
                    || ' (UTC) is before {{ var("earliest_plausible_date") }}'
        end as implausible_timestamp_detail
    from ranked

),

final as (

    select
        event_id,
        user_id,
        anonymous_id,
        event_name,
        event_text,
        context_ip,
        event_at,
        original_at,
        sent_at,
        received_at,
        event_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when invalid_timestamp_detail is not null then 'invalid_timestamp'
            when future_timestamp_detail is not null then 'future_timestamp'
            when implausible_timestamp_detail is not null then 'implausible_timestamp'
        end as reject_reason,
        coalesce(
            null_key_detail,
            duplicate_detail,
            invalid_timestamp_detail,
            future_timestamp_detail,
            implausible_timestamp_detail
        ) as reject_detail
    from checked

)

select * from final
