{#- Every raw stripe.coupon row, typed, with its reject verdict. amount_off is
    converted from minor to major units. -#}

with

source as (

    select * from {{ source('stripe', 'coupon') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as coupon_id,

        -- strings
        {{ normalise_currency('source.currency') }} as currency,
        {{ to_enum('source.duration') }} as duration,

        -- numerics
        {{ try_cast_whole_number('source.duration_in_months', 'integer') }} as duration_in_months,
        {{ try_cast_as(clean_text('source.percent_off'), 'decimal(38, 6)') }} as percent_off,
        {{ minor_to_major(
            clean_text('source.amount_off'), normalise_currency('source.currency')
        ) }} as amount_off,

        -- timestamps
        {{ to_utc_timestamp('source._fivetran_synced') }} as synced_at,

        -- raw text, for the reject rules
        {{ clean_text('source.duration_in_months') }} as raw_duration_in_months,
        {{ clean_text('source.percent_off') }} as raw_percent_off,
        {{ clean_text('source.amount_off') }} as raw_amount_off

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.coupon_id
            order by renamed.synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate, unknown_currency (amount coupons only:
    their amount needs an FX rate), invalid_value. #}
checked as (

    select
        ranked.*,
        case when ranked.coupon_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1
                then 'id ' || ranked.coupon_id || ' has a later-synced row that wins'
        end as duplicate_detail,
        case
            when ranked.raw_amount_off is not null and not {{ is_supported_currency('ranked.currency') }}
                then
                    'amount_off currency ' || coalesce(ranked.currency, 'null')
                    || ' is not in var supported_currencies'
        end as unknown_currency_detail,
        case
            when ranked.duration is null
                then 'duration is missing'
            when ranked.duration not in ('once', 'repeating', 'forever')
                then 'duration ' || ranked.duration || ' is not once, repeating or forever'
            when ranked.raw_percent_off is not null and ranked.percent_off is null
                then 'percent_off ' || ranked.raw_percent_off || ' is not a number'
            when ranked.percent_off < 0 or ranked.percent_off > 100
                then 'percent_off ' || ranked.raw_percent_off || ' is outside 0-100'
            when ranked.raw_amount_off is not null and ranked.amount_off is null
                then 'amount_off ' || ranked.raw_amount_off || ' is not a number'
            when ranked.amount_off < 0
                then 'amount_off ' || ranked.raw_amount_off || ' is negative'
            when ranked.raw_duration_in_months is not null and ranked.duration_in_months is null
                then 'duration_in_months ' || ranked.raw_duration_in_months || ' is not a whole number'
        end as invalid_value_detail
    from ranked

),

final as (

    select
        coupon_id,
        currency,
        duration,
        duration_in_months,
        percent_off,
        amount_off,
        synced_at,
        coupon_id as source_row_key,
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
