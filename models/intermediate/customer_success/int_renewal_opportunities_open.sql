{#- Open CRM renewal opportunities (opportunity_type 'Renewal', not closed)
    closing on or before as_of_date + var renewal_horizon_days, with the
    customer of their account and the amount in USD.

    Decisions where METRICS.md is silent:
    * Overdue ones (close date before as_of_date, still open) are kept: they
      are the most urgent renewals to work (fct_renewals puts them in the
      'overdue' window).
    * The customer is the account's ultimate parent (int_accounts_rolled_up);
      an opportunity on an account unknown to the CRM has a null customer.
    * amount (major units, the renewal ARR the rep expects) is converted at the
      as_of_date rate of its currency (int_fx_rates_ranged; USD = 1): pipeline
      is valued today, not at a historical rate. -#}

with

opportunities as (

    select
        opportunity_id,
        account_id,
        stage_name,
        currency_code,
        amount,
        close_date,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
    where
        opportunity_type = 'Renewal'
        and not coalesce(is_closed, false)
        and close_date <= cast({{ dbt.dateadd('day', var('renewal_horizon_days'), as_of_date()) }} as date)
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
        opportunities.opportunity_id,
        opportunities.account_id,
        accounts.customer_account_id as customer_id,
        opportunities.stage_name,
        opportunities.close_date,
        opportunities.currency_code,
        opportunities.amount,
        cast(opportunities.amount * fx_rates.rate_to_usd as decimal(38, 6)) as amount_usd
    from opportunities
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join fx_rates
        on upper(opportunities.currency_code) = fx_rates.currency_code

)

select * from final
