{#- Trailing-12-month cohort retention (METRICS.md, "Retention") for every
    complete month m whose m-12 is in the bridge, overall and by segment. The
    cohort C is the customers with MRR > 0 at m-12 (new customers since are
    excluded; a member that churned and came back counts):
    nrr_12m = sum_C MRR(m) / sum_C MRR(m-12),
    grr_12m = sum_C min(MRR(m), MRR(m-12)) / sum_C MRR(m-12),
    logo_retention_12m = |{c in C : MRR_c(m) > 0}| / |C|.
    Segments are the customer's at the cohort start, never today's: plan and
    billing currency of its largest contract at m-12; industry, acquisition
    channel and size band from its CRM account (current values: the CRM has no
    history; see int_customer_accounts). Null segment values are 'unknown'.
    segment_type 'all' has a row for every such month, even for an empty cohort
    (rates null); other segment types have a row per value present in the cohort. -#}

with

bridge_months as (

    select
        month,
        is_complete
    from {{ ref('fct_mrr_bridge') }}

),

customer_months as (

    select
        customer_id,
        month,
        mrr,
        plan_name,
        billing_currency
    from {{ ref('fct_customer_mrr_monthly') }}

),

customer_accounts as (

    select
        customer_id,
        industry,
        acquisition_channel,
        size_band
    from {{ ref('int_customer_accounts') }}

),

retention_months as (

    select
        bridge_months.month,
        cohort_starts.month as cohort_month
    from bridge_months
    inner join bridge_months as cohort_starts
        on cohort_starts.month = cast({{ dbt.dateadd('month', -12, 'bridge_months.month') }} as date)
    where bridge_months.is_complete

),

cohort_members as (

    select
        retention_months.month,
        retention_months.cohort_month,
        cohort_start.customer_id,
        cohort_start.mrr as mrr_start,
        coalesce(customer_now.mrr, 0) as mrr_now,
        cohort_start.plan_name,
        cohort_start.billing_currency
    from retention_months
    inner join customer_months as cohort_start
        on
            retention_months.cohort_month = cohort_start.month
            and cohort_start.mrr > 0
    left join customer_months as customer_now
        on
            cohort_start.customer_id = customer_now.customer_id
            and retention_months.month = customer_now.month

),

members_with_segments as (

    select
        cohort_members.*,
        {{ revenue_segment_value('customer_accounts.size_band') }} as size_band,
        {{ revenue_segment_value('customer_accounts.industry') }} as industry,
        {{ revenue_segment_value('customer_accounts.acquisition_channel') }} as acquisition_channel,
        {{ revenue_segment_value('cohort_members.plan_name') }} as plan,
        {{ revenue_segment_value('cohort_members.billing_currency') }} as billing_currency_segment
    from cohort_members
    left join customer_accounts
        on cohort_members.customer_id = customer_accounts.customer_id

),

segmented as (

    select
        month,
        'size_band' as segment_type,
        size_band as segment_value,
        customer_id,
        mrr_start,
        mrr_now
    from members_with_segments

    union all

    select
        month,
        'industry' as segment_type,
        industry as segment_value,
        customer_id,
        mrr_start,
        mrr_now
    from members_with_segments

    union all

    select
        month,
        'acquisition_channel' as segment_type,
        acquisition_channel as segment_value,
        customer_id,
        mrr_start,
        mrr_now
    from members_with_segments

    union all

    select
        month,
        'plan' as segment_type,
        plan as segment_value,
        customer_id,
        mrr_start,
        mrr_now
    from members_with_segments

    union all

    select
        month,
        'billing_currency' as segment_type,
        billing_currency_segment as segment_value,
        customer_id,
        mrr_start,
        mrr_now
    from members_with_segments

),

segment_aggregates as (

    select
        month,
        segment_type,
        segment_value,
        count(*) as cohort_customers,
        sum(mrr_start) as cohort_mrr,
        sum(mrr_now) as cohort_mrr_now,
        sum(case when mrr_now < mrr_start then mrr_now else mrr_start end) as retained_mrr,
        count(case when mrr_now > 0 then 1 end) as retained_customers
    from segmented
    group by 1, 2, 3

),

{# 'all' from every retention month, so an empty cohort still has its row. #}
all_aggregates as (

    select
        retention_months.month,
        'all' as segment_type,
        'all' as segment_value,
        count(cohort_members.customer_id) as cohort_customers,
        coalesce(sum(cohort_members.mrr_start), 0) as cohort_mrr,
        coalesce(sum(cohort_members.mrr_now), 0) as cohort_mrr_now,
        coalesce(
            sum(
                case
                    when cohort_members.mrr_now < cohort_members.mrr_start then cohort_members.mrr_now
                    else cohort_members.mrr_start
                end
            ),
            0
        ) as retained_mrr,
        count(case when cohort_members.mrr_now > 0 then 1 end) as retained_customers
    from retention_months
    left join cohort_members
        on retention_months.month = cohort_members.month
    group by 1, 2, 3

),

aggregates as (

    select * from all_aggregates
    union all
    select * from segment_aggregates

),

final as (

    select
        month,
        segment_type,
        segment_value,
        cast(cohort_customers as bigint) as cohort_customers,
        cast(cohort_mrr as decimal(38, 6)) as cohort_mrr,
        {{ revenue_ratio('cohort_mrr_now', 'cohort_mrr') }} as nrr_12m,
        {{ revenue_ratio('retained_mrr', 'cohort_mrr') }} as grr_12m,
        {{ revenue_ratio('retained_customers', 'cohort_customers') }} as logo_retention_12m,
        cast({{ dbt.dateadd('month', -12, 'month') }} as date) as cohort_month,
        cast(cohort_mrr_now as decimal(38, 6)) as cohort_mrr_now,
        cast(retained_mrr as decimal(38, 6)) as retained_mrr,
        cast(retained_customers as bigint) as retained_customers
    from aggregates

)

select * from final
