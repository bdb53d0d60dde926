{#- The day spine MetricFlow joins metrics to (dbt 1.11 `time_spine:` config in
    _semantic__models.yml). Days from var('semantic_time_spine_start_date')
    through the end of the year after as_of_date: wide enough for every month
    any mart reports, and for cumulative or offset metrics one year ahead.
    dbt.date_spine keeps it portable (DuckDB, Postgres). -#}

with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('semantic_time_spine_start_date') ~ "' as date)",
        dbt.dateadd('year', 2, dbt.date_trunc('year', as_of_date())),
    ) }}

),

final as (

    select cast(days.date_day as date) as date_day
    from days

)

select * from final
