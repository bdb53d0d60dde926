{#- Every raw salesforce.user row (CRM users: account and opportunity owners),
    typed and renamed, with its reject verdict. -#}

with

source as (

    select * from {{ source('salesforce', 'user') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as user_id,

        -- strings
        {{ clean_text('name') }} as user_name,
        {{ normalise_email('email') }} as email,

        -- booleans
        {{ to_boolean('is_active') }} as is_active,

        -- timestamps
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins). #}
checked as (

    select
        *,
        case when user_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || user_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail
    from ranked

),

final as (

    select
        user_id,
        user_name,
        email,
        is_active,
        synced_at,
        user_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
