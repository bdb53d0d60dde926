-- The benchmark floor: month-end contract MRR (subscription x month, USD) in ONE
-- hand-written DuckDB query, straight from the raw text tables the loader lands
-- (stripe.*) plus the FX seed (reference.fx_rates_daily). It is what a careful
-- analyst would write by hand; `loyalty.bench` times it and reports the dbt MRR
-- spine's time as a multiple of it, after checking both give the same numbers.
--
-- METRICS.md rules that change the number, all applied:
--   * snapshot at T = first instant of the next month (as-of month: the day after
--     {as_of}, 00:00 UTC); versions/discounts in force when start < T <= end, open
--     end = 9999-12-31 23:59:59 (discount end null = open);
--   * overlapping versions of one record: the latest start wins (tie: latest end);
--   * subscription status in force must be active or past_due, else 0;
--   * quantity null -> 1; unit_amount / 100, or / 1 for zero-decimal currencies;
--   * FX at the UTC date of the item version's start: latest rate on or before it,
--     else the currency's earliest rate; USD = 1; codes case-insensitive;
--   * interval normalisation day count*12/365.25, week count*12/52, month count,
--     year 12*count; one-time prices (no interval) are not MRR;
--   * forever/repeating coupons (never once): latest-starting discount in force
--     wins (tie: greatest id); percent_off multiplies, amount_off is converted at
--     the FX rate of the discount's start date and divided by the interval months;
--   * floor at 0.
-- Not applied (a clean, fault-free benchmark book has none of it): staging's
-- reject rules (duplicate rows, bad timestamps, unsupported currencies ...).
-- Placeholders: {as_of} (a date literal's text, YYYY-MM-DD) and {zero_decimal}
-- (a quoted, comma-separated list of currency codes).
with
fx as (
    select
        upper(trim(cast(currency_code as varchar))) as currency,
        cast(rate_date as date) as rate_date,
        cast(rate_to_usd as double) as rate_to_usd
    from reference.fx_rates_daily
),
fx_first as (
    select currency, arg_min(rate_to_usd, rate_date) as rate_to_usd from fx group by 1
),
prices as (
    select
        cast(id as varchar) as price_id,
        upper(trim(cast(currency as varchar))) as currency,
        cast(unit_amount as double)
            / case when upper(trim(cast(currency as varchar))) in ({zero_decimal}) then 1 else 100 end as unit_amount,
        case lower(trim(cast(recurring_interval as varchar)))
            when 'day' then cast(recurring_interval_count as double) * 12 / 365.25
            when 'week' then cast(recurring_interval_count as double) * 12 / 52
            when 'month' then cast(recurring_interval_count as double)
            when 'year' then cast(recurring_interval_count as double) * 12
        end as interval_months
    from stripe.price
),
months as (
    select
        cast(m as date) as month,
        case when m < date_trunc('month', date '{as_of}') then m + interval 1 month
             else cast(date '{as_of}' + interval 1 day as timestamp) end as snapshot_at
    from (
        select unnest(generate_series(
            (select date_trunc('month', min(cast(timezone('UTC', cast(cast(_fivetran_start as varchar) as timestamptz)) as timestamp)))
             from stripe.subscription_item_history),
            cast(date_trunc('month', date '{as_of}') as timestamp),
            interval 1 month)) as m
    )
),
item_versions as (
    select
        cast(i.id as varchar) as item_id,
        cast(i.subscription_id as varchar) as subscription_id,
        cast(timezone('UTC', cast(cast(i._fivetran_start as varchar) as timestamptz)) as timestamp) as start_at,
        coalesce(cast(timezone('UTC', cast(cast(i._fivetran_end as varchar) as timestamptz)) as timestamp),
                 timestamp '9999-12-31 23:59:59') as end_at,
        coalesce(cast(i.quantity as double), 1) as quantity,
        p.currency,
        p.unit_amount,
        p.interval_months
    from stripe.subscription_item_history as i
    inner join prices as p on cast(i.price_id as varchar) = p.price_id
    where p.interval_months > 0 and p.unit_amount is not null
),
item_versions_usd as (
    select
        v.*,
        v.quantity * v.unit_amount
            * case when v.currency = 'USD' then 1 else coalesce(r.rate_to_usd, f.rate_to_usd) end
            / v.interval_months as item_mrr_usd
    from item_versions as v
    asof left join fx as r on v.currency = r.currency and cast(v.start_at as date) >= r.rate_date
    left join fx_first as f on v.currency = f.currency
),
items_in_force as (
    select v.subscription_id, m.month, v.item_mrr_usd, v.interval_months
    from item_versions_usd as v
    inner join months as m on v.start_at < m.snapshot_at and v.end_at >= m.snapshot_at
    qualify row_number() over (partition by v.item_id, m.month order by v.start_at desc, v.end_at desc) = 1
),
contract_items as (
    select subscription_id, month, sum(item_mrr_usd) as items_mrr_usd, max(interval_months) as interval_months
    from items_in_force
    group by 1, 2
),
subscription_versions as (
    select
        cast(id as varchar) as subscription_id,
        lower(trim(cast(status as varchar))) as status,
        cast(timezone('UTC', cast(cast(_fivetran_start as varchar) as timestamptz)) as timestamp) as start_at,
        coalesce(cast(timezone('UTC', cast(cast(_fivetran_end as varchar) as timestamptz)) as timestamp),
                 timestamp '9999-12-31 23:59:59') as end_at
    from stripe.subscription_history
),
statuses as (
    select v.subscription_id, m.month, v.status in ('active', 'past_due') as is_revenue_status
    from subscription_versions as v
    inner join months as m on v.start_at < m.snapshot_at and v.end_at >= m.snapshot_at
    qualify row_number() over (
        partition by v.subscription_id, m.month order by v.start_at desc, v.end_at desc) = 1
),
discounts as (
    select
        cast(d.id as varchar) as discount_id,
        cast(d.subscription_id as varchar) as subscription_id,
        cast(timezone('UTC', cast(cast(d.start as varchar) as timestamptz)) as timestamp) as start_at,
        coalesce(cast(timezone('UTC', cast(cast(d."end" as varchar) as timestamptz)) as timestamp),
                 timestamp '9999-12-31 23:59:59') as end_at,
        coalesce(cast(c.percent_off as double), 0) as percent_off,
        cast(c.amount_off as double)
            / case when upper(trim(cast(c.currency as varchar))) in ({zero_decimal}) then 1 else 100 end
            * case when upper(trim(cast(c.currency as varchar))) = 'USD' then 1
                   else coalesce(r.rate_to_usd, f.rate_to_usd) end as amount_off_usd
    from stripe.subscription_discount as d
    inner join stripe.coupon as c on cast(d.coupon_id as varchar) = cast(c.id as varchar)
    asof left join fx as r
        on upper(trim(cast(c.currency as varchar))) = r.currency
        and cast(timezone('UTC', cast(cast(d.start as varchar) as timestamptz)) as date) >= r.rate_date
    left join fx_first as f on upper(trim(cast(c.currency as varchar))) = f.currency
    where d.subscription_id is not null
        and lower(trim(cast(c.duration as varchar))) in ('forever', 'repeating')
        and (c.percent_off is not null or c.amount_off is not null)
),
discounts_in_force as (
    select d.subscription_id, m.month, d.percent_off, d.amount_off_usd
    from discounts as d
    inner join months as m on d.start_at < m.snapshot_at and d.end_at >= m.snapshot_at
    qualify row_number() over (
        partition by d.subscription_id, m.month order by d.start_at desc, d.discount_id desc) = 1
)
select
    ci.subscription_id,
    ci.month,
    case when coalesce(s.is_revenue_status, false)
        then greatest(
            ci.items_mrr_usd * (1 - coalesce(dc.percent_off, 0) / 100)
            - coalesce(dc.amount_off_usd / ci.interval_months, 0),
            0)
        else 0 end as mrr
from contract_items as ci
left join statuses as s on ci.subscription_id = s.subscription_id and ci.month = s.month
left join discounts_in_force as dc on ci.subscription_id = dc.subscription_id and ci.month = dc.month
