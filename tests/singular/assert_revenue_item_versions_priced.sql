{{ config(severity='warn') }}
{#- Data-quality warning: recurring item versions that count 0 because they
    cannot be priced (price not staged - e.g. rejected for an unknown currency -,
    no unit amount, or an invalid interval). MRR is understated by them. One-time
    prices are not recurring revenue and are not listed. -#}

select
    subscription_item_id,
    subscription_id,
    price_id,
    pricing_status,
    version_start_at
from {{ ref('int_subscription_item_versions_priced') }}
where pricing_status not in ('priced', 'one_time_price')
