{#- Every raw stripe.invoice row, typed, with its reject verdict. Amounts are
    converted from minor to major units. -#}

with

source as (

    select * from {{ source('stripe', 'invoice') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as invoice_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ clean_text('source.subscription_id') }} as subscription_id,

        -- strings
        {{ to_enum('source.status') }} as status,
        {{ normalise_currency('source.currency') }} as currency,

        -- numerics
        {{ minor_to_major(clean_text('source.total'), normalise_currency('source.currency')) }} as total_amount,
        {{ minor_to_major(clean_text('source.amount_paid'), normalise_currency('source.currency')) }} as amount_paid,

        -- timestamps
        {{ to_utc_timestamp('source.created') }} as created_at,
        {{ to_utc_timestamp('source.due_date') }} as due_at,
        {{ to_utc_timestamp('source.period_start') }} as period_start_at,
        {{ to_utc_timestamp('source.period_end') }} as period_end_at,
        {{ to_utc_timestamp('source._fivetran_synced') }} as synced_at,

        -- raw text, for the reject rules
        {{ clean_text('source.total') }} as raw_total,
        {{ clean_text('source.amount_paid') }} as raw_amount_paid

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.invoice_id
            order by renamed.synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate, invalid_value. #}
checked as (

    select
        ranked.*,
        case when ranked.invoice_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1
                then 'id ' || ranked.invoice_id || ' has a later-synced row that wins'
        end as duplicate_detail,
        case
            when ranked.status is null
                then 'status is missing'
            when ranked.status not in ('draft', 'open', 'paid', 'void', 'uncollectible')
                then 'status ' || ranked.status || ' is not draft, open, paid, void or uncollectible'
            when ranked.raw_total is not null and ranked.total_amount is null
                then 'total ' || ranked.raw_total || ' is not a number'
            when ranked.raw_amount_paid is not null and ranked.amount_paid is null
                then 'amount_paid ' || ranked.raw_amount_paid || ' is not a number'
        end as invalid_value_detail
    from ranked

),

final as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        status,
        currency,
        total_amount,
        amount_paid,
        created_at,
        due_at,
        period_start_at,
        period_end_at,
        synced_at,
        invoice_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when invalid_value_detail is not null then 'invalid_value'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail, invalid_value_detail) as reject_detail
    from checked

)

select * from final
