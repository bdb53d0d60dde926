{{ config(severity='warn') }}
{#- Data-quality warning: item versions that started before var
    revenue_spine_start_date. Months before the spine start are not reported, so
    such a contract shows as new in the spine's first month; move the var back. -#}

select
    subscription_item_id,
    subscription_id,
    version_start_at
from {{ ref('int_subscription_item_versions_priced') }}
where version_start_at < cast('{{ var("revenue_spine_start_date") }}' as timestamp)
