{#- Every raw segment row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_segment__* models it accounts
    for every raw row. Columns are cast to text so the union is type-stable. -#}

with

user_rejects as (

    select
        cast('segment.users' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_segment__users') }}
    where reject_reason is not null

),

group_rejects as (

    select
        cast('segment.groups' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_segment__groups') }}
    where reject_reason is not null

),

track_rejects as (

    select
        cast('segment.tracks' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_segment__tracks') }}
    where reject_reason is not null

),

final as (

    select * from user_rejects
    union all
    select * from group_rejects
    union all
    select * from track_rejects

)

select * from final
