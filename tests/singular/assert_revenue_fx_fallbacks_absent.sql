{{ config(severity='warn') }}
{#- Data-quality warning (METRICS.md, "FX"): item versions and discounts
    converted at a currency's earliest rate because no rate existed on or before
    their start date. The amounts are still reported; extend the FX seed
    backwards to fix them. Returns one row per affected version or discount. -#}

select
    'item_version' as converted_row,
    subscription_item_id as row_id,
    subscription_id,
    currency,
    version_start_at as converted_at
from {{ ref('int_subscription_item_versions_priced') }}
where is_fx_fallback

union all

select distinct
    'discount' as converted_row,
    discount_id as row_id,
    subscription_id,
    amount_off_currency as currency,
    cast(null as timestamp) as converted_at
from {{ ref('int_subscription_discounts_monthly') }}
where is_fx_fallback
