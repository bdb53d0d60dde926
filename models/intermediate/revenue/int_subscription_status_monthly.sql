{#- Per contract and month: the subscription version in force at the month's
    snapshot instant T (version_start_at < T <= version_end_at; overlapping
    versions: latest start wins, tie: latest end) and whether its status counts
    MRR. Only active and past_due count (METRICS.md): trialing, unpaid, canceled,
    incomplete* and unknown statuses count 0, so churn lands when access ends
    (the canceled version), not when cancellation is requested
    (cancel_at_period_end on an active version). Months with no version in force
    have no row (and count 0). -#}

with

months as (

    select
        month,
        snapshot_at
    from {{ ref('int_revenue_months') }}

),

subscription_versions as (

    select
        subscription_id,
        status,
        is_cancel_at_period_end,
        version_start_at,
        version_end_at
    from {{ ref('stg_stripe__subscription_versions') }}

),

versions_in_force as (

    select
        subscription_versions.*,
        months.month,
        row_number() over (
            partition by subscription_versions.subscription_id, months.month
            order by subscription_versions.version_start_at desc, subscription_versions.version_end_at desc
        ) as version_rank
    from subscription_versions
    inner join months
        on
            subscription_versions.version_start_at < months.snapshot_at
            and subscription_versions.version_end_at >= months.snapshot_at

),

final as (

    select
        subscription_id,
        month,
        status,
        coalesce(status in ('active', 'past_due'), false) as is_revenue_status,
        coalesce(is_cancel_at_period_end, false) as is_cancel_at_period_end,
        version_start_at as status_version_start_at
    from versions_in_force
    where version_rank = 1

)

select * from final
