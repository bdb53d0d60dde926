{#- Per contract and month: the item versions in force at the month's snapshot
    instant T, summed (USD, double, before status and discounts). In force means
    version_start_at < T <= version_end_at (METRICS.md); when versions of one item
    overlap (a connector fault) the one with the latest start wins, tie: the
    latest end. Months with no item in force have no row. -#}

with

months as (

    select
        month,
        snapshot_at
    from {{ ref('int_revenue_months') }}

),

item_versions as (

    select * from {{ ref('int_subscription_item_versions_priced') }}

),

item_versions_in_force as (

    select
        item_versions.*,
        months.month,
        row_number() over (
            partition by item_versions.subscription_item_id, months.month
            order by item_versions.version_start_at desc, item_versions.version_end_at desc
        ) as version_rank
    from item_versions
    inner join months
        on
            item_versions.version_start_at < months.snapshot_at
            and item_versions.version_end_at >= months.snapshot_at

),

{# The contract's plan and currency are those of its largest item in force
    (tie: smallest item id). All items of a subscription share one currency and
    one billing interval in Stripe; if they do not, has_mixed_intervals flags it
    and the longest interval is used for amount_off coupons. #}
items_ranked as (

    select
        item_versions_in_force.*,
        row_number() over (
            partition by item_versions_in_force.subscription_id, item_versions_in_force.month
            order by item_versions_in_force.item_mrr_usd desc, item_versions_in_force.subscription_item_id asc
        ) as item_rank,
        row_number() over (
            partition by item_versions_in_force.subscription_id, item_versions_in_force.month
            order by
                item_versions_in_force.interval_months desc nulls last,
                item_versions_in_force.subscription_item_id asc
        ) as interval_rank
    from item_versions_in_force
    where item_versions_in_force.version_rank = 1

),

final as (

    select
        subscription_id,
        month,
        sum(item_mrr_usd) as items_mrr_usd,
        max(case when interval_rank = 1 then recurring_interval end) as recurring_interval,
        max(case when interval_rank = 1 then recurring_interval_count end) as recurring_interval_count,
        max(interval_months) as interval_months,
        count(distinct interval_months) > 1 as has_mixed_intervals,
        max(case when item_rank = 1 then currency end) as billing_currency,
        max(case when item_rank = 1 then plan_name end) as plan_name,
        max(case when is_fx_fallback then 1 else 0 end) = 1 as has_fx_fallback,
        count(*) as items_in_force
    from items_ranked
    group by 1, 2

)

select * from final
