{#- Every subscription item version (history mode, valid on [version_start_at,
    version_end_at)) with its price, FX rate and monthly amount in USD
    (METRICS.md, "MRR of a contract at an instant t"):
    item_mrr_usd = quantity * unit_amount * fx(version start date) / months(interval),
    in double precision. unit_amount is already in major units (staging divides
    by the minor unit; zero-decimal currencies such as JPY are not divided).
    A deleted item's last version counts on its interval like any other.

    Decisions where METRICS.md is silent:
    * A one-time price (no recurring interval) is not recurring revenue: 0.
    * A version whose price is not in stg_stripe__prices (rejected or missing) or
      has no unit_amount cannot be priced: 0, with pricing_status saying why
      (warn test assert_revenue_item_versions_priced). A missing FX rate for a
      supported currency fails the build (test on fx_rate_to_usd). -#}

with

item_versions as (

    select
        subscription_item_id,
        subscription_id,
        price_id,
        quantity,
        version_start_at,
        version_end_at,
        is_deleted_version,
        is_overlapping_version
    from {{ ref('stg_stripe__subscription_item_versions') }}

),

prices as (

    select
        price_id,
        product_id,
        currency,
        nickname,
        recurring_interval,
        recurring_interval_count,
        unit_amount
    from {{ ref('stg_stripe__prices') }}

),

products as (

    select
        product_id,
        product_name
    from {{ ref('stg_stripe__products') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

{# A null quantity counts as 1 (METRICS.md). #}
priced as (

    select
        item_versions.subscription_item_id,
        item_versions.subscription_id,
        item_versions.price_id,
        prices.product_id,
        coalesce(products.product_name, prices.nickname, item_versions.price_id) as plan_name,
        upper(prices.currency) as currency,
        prices.recurring_interval,
        prices.recurring_interval_count,
        {{ revenue_interval_months('prices.recurring_interval', 'prices.recurring_interval_count') }}
            as interval_months,
        prices.unit_amount,
        coalesce(item_versions.quantity, 1) as quantity,
        item_versions.version_start_at,
        item_versions.version_end_at,
        cast(item_versions.version_start_at as date) as fx_date,
        item_versions.is_deleted_version,
        item_versions.is_overlapping_version,
        prices.price_id is not null as is_price_known
    from item_versions
    left join prices
        on item_versions.price_id = prices.price_id
    left join products
        on prices.product_id = products.product_id

),

{# FX (METRICS.md, macro revenue_fx_lookup): the rate of the UTC date of the
    version's _fivetran_start, the latest on or before that day, kept for the
    version's whole life; with no earlier rate, the earliest one (a data-quality
    warning). #}
converted as (

    {{ revenue_fx_lookup('priced', [
        'subscription_item_id', 'subscription_id', 'price_id', 'product_id', 'plan_name', 'currency',
        'recurring_interval', 'recurring_interval_count', 'interval_months', 'unit_amount', 'quantity',
        'version_start_at', 'version_end_at', 'fx_date', 'is_deleted_version', 'is_overlapping_version',
        'is_price_known',
    ]) }}

),

final as (

    select
        subscription_item_id,
        subscription_id,
        price_id,
        product_id,
        plan_name,
        currency,
        recurring_interval,
        recurring_interval_count,
        interval_months,
        unit_amount,
        quantity,
        fx_rate_to_usd,
        is_fx_fallback,
        case
            when not is_price_known then 'unknown_price'
            when recurring_interval is null then 'one_time_price'
            when interval_months is null or interval_months <= 0 then 'invalid_interval'
            when unit_amount is null then 'no_unit_amount'
            when fx_rate_to_usd is null then 'no_fx_rate'
            else 'priced'
        end as pricing_status,
        case
            when
                is_price_known
                and interval_months > 0
                and unit_amount is not null
                and fx_rate_to_usd is not null
                then {{ revenue_monthly_amount(
                    'cast(quantity as ' ~ type_double() ~ ') * cast(unit_amount as ' ~ type_double() ~ ') * fx_rate_to_usd',
                    'recurring_interval',
                    'recurring_interval_count'
                ) }}
            else cast(0 as {{ type_double() }})
        end as item_mrr_usd,
        version_start_at,
        version_end_at,
        is_deleted_version,
        is_overlapping_version
    from converted

)

select * from final
