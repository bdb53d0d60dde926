{#- Every raw stripe.product row, typed, with its reject verdict. -#}

with

source as (

    select * from {{ source('stripe', 'product') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('source.id') }} as product_id,

        -- strings
        {{ clean_text('source.name') }} as product_name,

        -- booleans
        {{ to_boolean('source.active') }} as is_active,

        -- timestamps
        {{ to_utc_timestamp('source._fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.product_id
            order by renamed.synced_at desc nulls last
        ) as key_rank
    from renamed

),

checked as (

    select
        ranked.*,
        case when ranked.product_id is null then 'id is null or empty' end as null_key_detail,
        case
            when ranked.key_rank > 1
                then 'id ' || ranked.product_id || ' has a later-synced row that wins'
        end as duplicate_detail
    from ranked

),

final as (

    select
        product_id,
        product_name,
        is_active,
        synced_at,
        product_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
