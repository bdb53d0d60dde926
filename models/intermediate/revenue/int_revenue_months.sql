{#- The revenue month spine: one row per month from var revenue_spine_start_date
    through the month holding as_of_date, with the snapshot instant of each month
    (METRICS.md, "Grain and time"). Nothing after as_of_date is ever reported. -#}

with

spine as (

    {{ dbt.date_spine(
        'month',
        dbt.date_trunc('month', "cast('" ~ var('revenue_spine_start_date') ~ "' as date)"),
        dbt.dateadd('month', 1, dbt.date_trunc('month', as_of_date()))
    ) }}

),

months as (

    select cast(spine.date_month as date) as month
    from spine

),

{# A complete month is snapshot at T = the first instant of the next month. The
    month holding as_of_date is incomplete even on its last day: T = the day after
    as_of_date, 00:00 UTC (METRICS.md). #}
final as (

    select
        months.month,
        case
            when months.month < cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
                then cast({{ dbt.dateadd('month', 1, 'months.month') }} as timestamp)
            else cast({{ dbt.dateadd('day', 1, as_of_date()) }} as timestamp)
        end as snapshot_at,
        months.month < cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as is_complete
    from months
    where months.month <= cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

)

select * from final
