{#- Every raw stripe.subscription_discount row, typed, with its reject verdict.
    A discount is in force on [start_at, end_at); end_at null = open. A row
    without subscription_id is kept: it applies to no contract (METRICS.md). -#}

with

source as (

    select * from {{ source('stripe', 'subscription_discount') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as discount_id,
        {{ clean_text('source.subscription_id') }} as subscription_id,
        {{ clean_text('source.coupon_id') }} as coupon_id,
        {{ clean_text('source.customer_id') }} as customer_id,

        -- timestamps
        {{ to_utc_timestamp('source.start') }} as start_at,
        {{ to_utc_timestamp('source.end') }} as end_at,
        {{ to_utc_timestamp('source._fivetran_synced') }} as synced_at,

        -- raw text, for the reject rules
        {{ clean_text('source.start') }} as raw_start,
        {{ clean_text('source.end') }} as raw_end

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.discount_id
            order by renamed.synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate, invalid_timestamp (start is required; an
    end that is present must parse). #}
checked as (

    select
        ranked.*,
        case when ranked.discount_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1
                then 'id ' || ranked.discount_id || ' has a later-synced row that wins'
        end as duplicate_detail,
        case
            when ranked.start_at is null
                then 'start ' || coalesce(ranked.raw_start, 'null') || ' is missing or does not parse'
            when ranked.raw_end is not null and ranked.end_at is null
                then 'end ' || ranked.raw_end || ' does not parse'
        end as invalid_timestamp_detail
    from ranked

),

final as (

    select
        discount_id,
        subscription_id,
        coupon_id,
        customer_id,
        start_at,
        end_at,
        synced_at,
        discount_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when invalid_timestamp_detail is not null then 'invalid_timestamp'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, invalid_timestamp_detail) as reject_detail
    from checked

)

select * from final
