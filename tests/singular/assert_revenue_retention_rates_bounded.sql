{#- 12-month retention rates are sane: 0 <= grr_12m <= 1, grr_12m <= nrr_12m,
    0 <= logo_retention_12m <= 1, rates null exactly when the cohort is empty, and
    every segment type's cohorts add up to the 'all' cohort. Returns the
    offending rows. -#}

with

retention as (

    select * from {{ ref('fct_revenue_retention') }}

),

segment_totals as (

    select
        month,
        segment_type,
        sum(cohort_customers) as cohort_customers,
        sum(cohort_mrr) as cohort_mrr
    from retention
    where segment_type <> 'all'
    group by 1, 2

),

bad_rates as (

    select
        month,
        segment_type,
        segment_value,
        'rate out of bounds' as problem
    from retention
    where
        grr_12m < 0
        or grr_12m > 1
        or grr_12m > nrr_12m
        or nrr_12m < 0
        or logo_retention_12m < 0
        or logo_retention_12m > 1
        or (cohort_customers = 0) <> (grr_12m is null)
        or (cohort_customers = 0) <> (nrr_12m is null)
        or (cohort_customers = 0) <> (logo_retention_12m is null)

),

bad_totals as (

    select
        segment_totals.month,
        segment_totals.segment_type,
        'all' as segment_value,
        'segments do not add up to all' as problem
    from segment_totals
    inner join retention as all_segment
        on
            segment_totals.month = all_segment.month
            and all_segment.segment_type = 'all'
    where
        segment_totals.cohort_customers <> all_segment.cohort_customers
        or segment_totals.cohort_mrr <> all_segment.cohort_mrr

)

select * from bad_rates
union all
select * from bad_totals
