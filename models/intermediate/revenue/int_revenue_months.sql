{#- The revenue month spine: one row per month from var revenue_spine_start_date
    through the month holding as_of_date, with the snapshot instant of each month
    (METRICS.md, "Grain and time"). Nothing after as_of_date is ever reported.

    The spine also starts no earlier than the month of the first subscription
    item version: no contract can have MRR before it, and every month kept
    here is joined against every item, status and discount version downstream
    (with the default start, 2000-01-01, a 3-year book would otherwise carry
    ~300 empty months through the spine; measured by scripts/bench.sh). -#}

with

item_versions as (

    select version_start_at
    from {{ ref('stg_stripe__subscription_item_versions') }}

),

first_version_month as (

    select cast({{ dbt.date_trunc('month', 'min(item_versions.version_start_at)') }} as date) as month
    from item_versions

),

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
    cross join first_version_month
    where
        months.month <= cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
        and (first_version_month.month is null or months.month >= first_version_month.month)

)

select * from final
