{#- Every raw stripe.price row, typed, with its reject verdict. Amounts are
    converted from minor to major units (zero-decimal currencies stay whole). -#}

with

source as (

    select * from {{ source('stripe', 'price') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as price_id,
        {{ clean_text('source.product_id') }} as product_id,

        -- strings
        {{ normalise_currency('source.currency') }} as currency,
        {{ clean_text('source.nickname') }} as nickname,
        {{ to_enum('source.recurring_interval') }} as recurring_interval,

        -- numerics
        {{ try_cast_whole_number('source.recurring_interval_count', 'integer') }} as recurring_interval_count,
        {{ minor_to_major(
            clean_text('source.unit_amount'), normalise_currency('source.currency')
        ) }} as unit_amount,

        -- booleans
        {{ to_boolean('source.active') }} as is_active,

        -- timestamps
        {{ to_utc_timestamp('source._fivetran_synced') }} as synced_at,

        -- raw text, for the reject rules
        {{ clean_text('source.recurring_interval_count') }} as raw_recurring_interval_count,
        {{ clean_text('source.unit_amount') }} as raw_unit_amount

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.price_id
            order by renamed.synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate, unknown_currency (no FX rate), then
    invalid_value. A null interval is a one-time price and is kept. #}
checked as (

    select
        ranked.*,
        case when ranked.price_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1
                then 'id ' || ranked.price_id || ' has a later-synced row that wins'
        end as duplicate_detail,
        case
            when not {{ is_supported_currency('ranked.currency') }}
                then 'currency ' || coalesce(ranked.currency, 'null') || ' is not in var supported_currencies'
        end as unknown_currency_detail,
        case
            when ranked.recurring_interval not in ('day', 'week', 'month', 'year')
                then 'recurring_interval ' || ranked.recurring_interval || ' is not day, week, month or year'
            when ranked.recurring_interval is not null and coalesce(ranked.recurring_interval_count < 1, true)
                then
                    'recurring_interval_count '
                    || coalesce(ranked.raw_recurring_interval_count, 'null')
                    || ' is not a whole number >= 1'
            when ranked.raw_unit_amount is not null and ranked.unit_amount is null
                then 'unit_amount ' || ranked.raw_unit_amount || ' is not a number'
            when ranked.unit_amount < 0
                then 'unit_amount ' || ranked.raw_unit_amount || ' is negative'
        end as invalid_value_detail
    from ranked

),

final as (

    select
        price_id,
        product_id,
        currency,
        nickname,
        recurring_interval,
        recurring_interval_count,
        unit_amount,
        is_active,
        synced_at,
        price_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when unknown_currency_detail is not null then 'unknown_currency'
            when invalid_value_detail is not null then 'invalid_value'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, unknown_currency_detail, invalid_value_detail) as reject_detail
    from checked

)

select * from final
