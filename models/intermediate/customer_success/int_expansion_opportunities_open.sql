{#- Open expansion pipeline per customer as of as_of_date: CRM opportunities of
    the types in var expansion_opportunity_types (default Upsell, Cross-sell)
    that are not closed, with their count, amount in USD (at the as_of_date
    rate, int_fx_rates_ranged) and ids. The customer is the opportunity
    account's ultimate parent; opportunities on unknown accounts are left out
    (no customer to expand). -#}

{%- set opportunity_types = cs_list_var('expansion_opportunity_types', ['Upsell']) %}

with

opportunities as (

    select
        opportunity_id,
        account_id,
        currency_code,
        amount
    from {{ ref('stg_salesforce__opportunities') }}
    where
        opportunity_type in ({{ cs_sql_in_list(opportunity_types) }})
        and not coalesce(is_closed, false)
        and created_at < cast({{ dbt.dateadd('day', 1, as_of_date()) }} as timestamp)

),

accounts as (

    select
        account_id,
        customer_account_id
    from {{ ref('int_accounts_rolled_up') }}

),

fx_rates as (

    select
        currency_code,
        rate_to_usd
    from {{ ref('int_fx_rates_ranged') }}
    where
        valid_from <= {{ as_of_date() }}
        and valid_to > {{ as_of_date() }}

),

final as (

    select
        accounts.customer_account_id as customer_id,
        cast(count(*) as integer) as open_opportunities,
        cast(sum(opportunities.amount * fx_rates.rate_to_usd) as decimal(38, 6)) as open_amount_usd,
        {{ dbt.listagg('opportunities.opportunity_id', "', '", 'order by opportunities.opportunity_id') }}
            as opportunity_ids
    from opportunities
    inner join accounts
        on opportunities.account_id = accounts.account_id
    left join fx_rates
        on upper(opportunities.currency_code) = fx_rates.currency_code
    group by 1

)

select * from final
