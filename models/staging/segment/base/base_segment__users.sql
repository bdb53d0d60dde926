{#- Every raw segment.users row (identify calls), typed and renamed, with its
    reject verdict. `role` is the interface's column name (docs/architecture.md),
    hence the RF04 noqa. -#}

with

source as (

    select * from {{ source('segment', 'users') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as user_id,

        -- strings
        {{ normalise_email('email') }} as email,
        {{ clean_text('name') }} as user_name,
        {{ clean_text('role') }} as role,  -- noqa: RF04
        {{ clean_text('department') }} as department,

        -- timestamps
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('received_at') }} as received_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by received_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest received_at wins). #}
checked as (

    select
        *,
        case when user_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || user_id || ' repeated; the row with the latest received_at wins'
        end as duplicate_detail
    from ranked

),

final as (

    select
        user_id,
        email,
        user_name,
        role,
        department,
        created_at,
        received_at,
        user_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
