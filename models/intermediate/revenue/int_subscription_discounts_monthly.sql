{#- Per contract and month: the discount that reduces MRR at the month's snapshot
    instant T (METRICS.md): coupons with duration forever or repeating whose
    discount is in force (start_at < T <= end_at, open end = infinity). once
    coupons never change MRR; a discount row without subscription_id applies to no
    contract. Several qualifying discounts: the latest start applies, tie: the
    greatest discount id. amount_off is converted to USD at the FX rate of the
    discount's start date (the division by the billing interval happens where
    the interval is known, in fct_contract_mrr_monthly).

    Decisions where METRICS.md is silent: the in-force window is start_at/end_at
    as Stripe records them (duration_in_months is not re-derived); a coupon with
    neither percent_off nor amount_off, or a discount whose coupon is not in
    stg_stripe__coupons, does not qualify. -#}

with

months as (

    select
        month,
        snapshot_at
    from {{ ref('int_revenue_months') }}

),

discounts as (

    select
        discount_id,
        subscription_id,
        coupon_id,
        start_at,
        end_at
    from {{ ref('stg_stripe__subscription_discounts') }}
    where subscription_id is not null

),

coupons as (

    select
        coupon_id,
        upper(currency) as currency,
        duration,
        percent_off,
        amount_off
    from {{ ref('stg_stripe__coupons') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

qualifying_discounts as (

    select
        discounts.discount_id,
        discounts.subscription_id,
        discounts.coupon_id,
        discounts.start_at,
        coalesce(discounts.end_at, {{ revenue_open_end() }}) as end_at,
        coupons.duration,
        coupons.currency,
        cast(coupons.percent_off as {{ type_double() }}) as percent_off,
        coupons.amount_off,
        cast(discounts.start_at as date) as fx_date
    from discounts
    inner join coupons
        on discounts.coupon_id = coupons.coupon_id
    where
        coupons.duration in ('forever', 'repeating')
        and (coupons.percent_off is not null or coupons.amount_off is not null)

),

{# amount_off at the FX rate of the discount's start date (macro revenue_fx_lookup). #}
discounts_with_fx as (

    {{ revenue_fx_lookup('qualifying_discounts', [
        'discount_id', 'subscription_id', 'coupon_id', 'start_at', 'end_at', 'duration', 'currency',
        'percent_off', 'amount_off', 'fx_date',
    ]) }}

),

converted as (

    select
        discounts_with_fx.*,
        cast(discounts_with_fx.amount_off as {{ type_double() }}) * discounts_with_fx.fx_rate_to_usd as amount_off_usd
    from discounts_with_fx

),

discounts_in_force as (

    select
        converted.*,
        months.month,
        row_number() over (
            partition by converted.subscription_id, months.month
            order by converted.start_at desc, converted.discount_id desc
        ) as discount_rank
    from converted
    inner join months
        on
            converted.start_at < months.snapshot_at
            and converted.end_at >= months.snapshot_at

),

final as (

    select
        subscription_id,
        month,
        discount_id,
        coupon_id,
        duration,
        percent_off,
        amount_off,
        currency as amount_off_currency,
        amount_off_usd,
        is_fx_fallback
    from discounts_in_force
    where discount_rank = 1

)

select * from final
