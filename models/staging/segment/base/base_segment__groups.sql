{#- Every raw segment.groups row (group calls: a user joins a CRM account), typed
    and renamed, with its reject verdict. -#}

with

source as (

    select * from {{ source('segment', 'groups') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as group_call_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('group_id') }} as account_id,

        -- timestamps
        {{ to_utc_timestamp('timestamp') }} as grouped_at,
        {{ to_utc_timestamp('received_at') }} as received_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by group_call_id
            order by received_at desc nulls last
        ) as key_rank
    from renamed

),

{# Rules in order: null_key, duplicate (latest received_at wins). #}
checked as (

    select
        *,
        case when group_call_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || group_call_id || ' repeated; the row with the latest received_at wins'
        end as duplicate_detail
    from ranked

),

final as (

    select
        group_call_id,
        user_id,
        account_id,
        grouped_at,
        received_at,
        group_call_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
        end as reject_reason,
        coalesce(null_key_detail, duplicate_detail) as reject_detail
    from checked

)

select * from final
