{#- Every raw delighted row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_delighted__* models it accounts
    for every raw row. Columns are cast to text so the union is type-stable. -#}

with

person_rejects as (

    select
        cast('delighted.person' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_delighted__person') }}
    where reject_reason is not null

),

survey_response_rejects as (

    select
        cast('delighted.survey_response' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_delighted__survey_response') }}
    where reject_reason is not null

),

final as (

    select * from person_rejects
    union all
    select * from survey_response_rejects

)

select * from final
