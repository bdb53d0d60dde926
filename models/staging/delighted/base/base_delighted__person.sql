{#- Every raw delighted.person row (survey respondents), typed and renamed, with
    its reject verdict. -#}

with

source as (

    select * from {{ source('delighted', 'person') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as person_id,

        -- strings
        {{ normalise_email('email') }} as email,
        {{ clean_text('name') }} as person_name,

        -- timestamps
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by person_id
            order by synced_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest _fivetran_synced wins). #}
checked as (

    select
        *,
        case when person_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || person_id || ' repeated; the row with the latest _fivetran_synced wins'
        end as duplicate_detail
    from ranked

),

final as (

    select
        person_id,
        email,
        person_name,
        created_at,
        synced_at,
        person_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
