{#- Daily FX rates to USD as validity ranges: each rate holds from its rate_date
    until the next rate of the same currency (METRICS.md, "FX": the latest rate on
    or before a day). The earliest rate of a currency also covers every earlier
    day (is_before_first_rate tells consumers to count it as a data-quality
    warning). USD is 1 on every day. Codes are upper-cased, so lookups match
    case-insensitively. -#}

with

fx_rates as (

    select
        upper(trim(cast(currency_code as {{ dbt.type_string() }}))) as currency_code,
        cast(rate_date as date) as rate_date,
        cast(rate_to_usd as {{ type_double() }}) as rate_to_usd
    from {{ ref('fx_rates_daily') }}
    where
        rate_to_usd is not null
        and rate_date is not null
        and upper(trim(cast(currency_code as {{ dbt.type_string() }}))) <> 'USD'

),

{# One rate per currency and day even if the seed repeats a day in two spellings
    ('eur', 'EUR'): a doubled rate row would double every amount joined to it. The
    seed's own uniqueness test reports the repeat. #}
fx_rates_deduplicated as (

    select
        currency_code,
        rate_date,
        rate_to_usd
    from (
        select
            fx_rates.*,
            row_number() over (
                partition by fx_rates.currency_code, fx_rates.rate_date
                order by fx_rates.rate_to_usd desc
            ) as day_rank
        from fx_rates
    ) as ranked
    where day_rank = 1

),

ranged as (

    select
        currency_code,
        rate_date,
        rate_to_usd,
        case
            when row_number() over (partition by currency_code order by rate_date) = 1
                then cast('0001-01-01' as date)
            else rate_date
        end as valid_from,
        coalesce(
            lead(rate_date) over (partition by currency_code order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to
    from fx_rates_deduplicated

),

usd as (

    select
        'USD' as currency_code,
        cast('0001-01-01' as date) as rate_date,
        cast(1 as {{ type_double() }}) as rate_to_usd,
        cast('0001-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to

),

final as (

    select * from ranged
    union all
    select * from usd

)

select * from final
