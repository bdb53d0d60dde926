{#- MRR of every contract at the end of every month (METRICS.md, "MRR of a
    contract at an instant t"), in USD, from the contract's first month with
    MRR > 0 through the as_of_date month, zero months after churn included. The
    as_of_date month is snapshot at as_of_date and flagged is_complete = false.
    Computed in double, stored rounded to 6 places as decimal(38, 6), so every
    later sum and difference is exact.

    Decisions where METRICS.md is silent: a coupon carrying both percent_off and
    amount_off (Stripe forbids it) applies the percentage first, then the amount;
    billing_currency and plan_name are those of the contract's largest item in
    force and null in months with no item in force. -#}

with

months as (

    select
        month,
        snapshot_at,
        is_complete
    from {{ ref('int_revenue_months') }}

),

contracts as (

    select
        subscription_id,
        stripe_customer_id,
        customer_id,
        is_customer_unmapped
    from {{ ref('int_contracts_mapped') }}

),

item_mrr as (

    select * from {{ ref('int_subscription_item_mrr_monthly') }}

),

statuses as (

    select * from {{ ref('int_subscription_status_monthly') }}

),

discounts as (

    select * from {{ ref('int_subscription_discounts_monthly') }}

),

{# Every month from the contract's first month with an item in force through the
    as_of_date month: months after the last item ends are zero months. #}
contract_months as (

    select
        first_item_months.subscription_id,
        months.month,
        months.snapshot_at,
        months.is_complete
    from (
        select
            subscription_id,
            min(month) as first_item_month
        from item_mrr
        group by 1
    ) as first_item_months
    inner join months
        on first_item_months.first_item_month <= months.month

),

valued as (

    select
        contract_months.subscription_id,
        contract_months.month,
        contract_months.snapshot_at,
        contract_months.is_complete,
        statuses.status as subscription_status,
        coalesce(statuses.is_revenue_status, false) as is_revenue_status,
        item_mrr.billing_currency,
        item_mrr.plan_name,
        coalesce(item_mrr.items_mrr_usd, 0) as items_mrr_usd,
        item_mrr.recurring_interval,
        item_mrr.recurring_interval_count,
        discounts.discount_id,
        coalesce(discounts.percent_off, 0) as percent_off,
        discounts.amount_off_usd,
        coalesce(item_mrr.has_fx_fallback, false) or coalesce(discounts.is_fx_fallback, false) as has_fx_fallback
    from contract_months
    left join item_mrr
        on
            contract_months.subscription_id = item_mrr.subscription_id
            and contract_months.month = item_mrr.month
    left join statuses
        on
            contract_months.subscription_id = statuses.subscription_id
            and contract_months.month = statuses.month
    left join discounts
        on
            contract_months.subscription_id = discounts.subscription_id
            and contract_months.month = discounts.month

),

{# Only an active or past_due subscription counts (METRICS.md). A discount's
    percent_off multiplies; its amount_off (already USD at the discount's start
    rate) is per billing period, so it is divided by the interval in months.
    MRR never goes below 0. #}
discounted as (

    select
        valued.*,
        case when valued.is_revenue_status then valued.items_mrr_usd else 0 end as undiscounted_mrr_usd,
        case
            when valued.is_revenue_status
                then
                    valued.items_mrr_usd * (1 - valued.percent_off / 100)
                    - coalesce({{ revenue_monthly_amount(
                        'valued.amount_off_usd', 'valued.recurring_interval', 'valued.recurring_interval_count'
                    ) }}, 0)
            else 0
        end as discounted_mrr_usd
    from valued

),

rounded as (

    select
        discounted.*,
        {{ revenue_amount('discounted.undiscounted_mrr_usd') }} as mrr_before_discount,
        {{ revenue_amount(
            'case when discounted.discounted_mrr_usd > 0 then discounted.discounted_mrr_usd else 0 end'
        ) }} as mrr
    from discounted

),

first_paid_months as (

    select
        subscription_id,
        min(month) as first_paid_month
    from rounded
    where mrr > 0
    group by 1

),

final as (

    select
        rounded.subscription_id,
        coalesce(
            contracts.customer_id, {{ revenue_unmapped_customer_id('cast(null as ' ~ dbt.type_string() ~ ')') }}
        ) as customer_id,
        contracts.stripe_customer_id,
        rounded.month,
        rounded.snapshot_at,
        rounded.is_complete,
        rounded.subscription_status,
        rounded.billing_currency,
        rounded.plan_name,
        rounded.discount_id,
        rounded.mrr_before_discount,
        rounded.mrr,
        coalesce(contracts.is_customer_unmapped, true) as is_customer_unmapped,
        rounded.has_fx_fallback
    from rounded
    inner join first_paid_months
        on
            rounded.subscription_id = first_paid_months.subscription_id
            and rounded.month >= first_paid_months.first_paid_month
    left join contracts
        on rounded.subscription_id = contracts.subscription_id

)

select * from final
