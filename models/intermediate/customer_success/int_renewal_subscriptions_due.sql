{#- Contract renewals due: one row per live subscription whose current billing
    period ends between as_of_date and as_of_date + var renewal_horizon_days,
    with its term, plan, MRR and pending-cancel flag.

    Decisions where METRICS.md is silent:
    * The subscription's state is the version in force at the as_of_date
      snapshot (T = the day after as_of_date, 00:00 UTC; start < T <= end;
      overlapping versions: latest start wins, tie: latest end), as for the
      incomplete month's MRR.
    * Only live contracts renew: status active or past_due. A trialing
      subscription converts rather than renews; canceled/unpaid ones have
      nothing left to renew.
    * Contract renewals are terms of at least var renewal_min_term_months
      months (default 3: quarterly and annual). Gainsight tracks contract
      renewals; a monthly plan "renews" every month and its risk is the health
      score's job, so it is left out by default (set the var to 1 to list it).
      The term is the longest billing interval of the items in force in the
      as_of_date month (int_subscription_item_mrr_monthly).
    * renewal_date is the UTC date of current_period_end. A live contract
      whose period end is already before as_of_date (connector lag) is not
      listed: Stripe has renewed or ended it by now.
    * MRR is the contract's MRR in the as_of_date month (fct_contract_mrr_monthly,
      USD); cancel_at_period_end = pending cancellation (still counts MRR). -#}

with

subscription_versions as (

    select
        subscription_id,
        status,
        is_cancel_at_period_end,
        current_period_end_at,
        version_start_at,
        version_end_at
    from {{ ref('stg_stripe__subscription_versions') }}

),

contract_months as (

    select
        subscription_id,
        customer_id,
        month,
        plan_name,
        billing_currency,
        mrr
    from {{ ref('fct_contract_mrr_monthly') }}
    where month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

),

contract_terms as (

    select
        subscription_id,
        interval_months
    from {{ ref('int_subscription_item_mrr_monthly') }}
    where month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

),

contracts as (

    select
        subscription_id,
        customer_id
    from {{ ref('int_contracts_mapped') }}

),

versions_in_force as (

    select
        subscription_versions.*,
        row_number() over (
            partition by subscription_versions.subscription_id
            order by subscription_versions.version_start_at desc, subscription_versions.version_end_at desc
        ) as version_rank
    from subscription_versions
    where
        subscription_versions.version_start_at < cast({{ dbt.dateadd('day', 1, as_of_date()) }} as timestamp)
        and subscription_versions.version_end_at >= cast({{ dbt.dateadd('day', 1, as_of_date()) }} as timestamp)

),

live_contracts as (

    select
        subscription_id,
        status,
        coalesce(is_cancel_at_period_end, false) as is_cancel_at_period_end,
        cast(current_period_end_at as date) as renewal_date
    from versions_in_force
    where
        version_rank = 1
        and status in ('active', 'past_due')

),

final as (

    select
        live_contracts.subscription_id,
        contracts.customer_id,
        live_contracts.status as subscription_status,
        live_contracts.renewal_date,
        contract_terms.interval_months as term_months,
        contract_months.plan_name,
        contract_months.billing_currency,
        cast(coalesce(contract_months.mrr, 0) as decimal(38, 6)) as contract_mrr_usd,
        live_contracts.is_cancel_at_period_end as is_pending_cancel
    from live_contracts
    inner join contracts
        on live_contracts.subscription_id = contracts.subscription_id
    inner join contract_terms
        on live_contracts.subscription_id = contract_terms.subscription_id
    left join contract_months
        on live_contracts.subscription_id = contract_months.subscription_id
    where
        contract_terms.interval_months >= {{ var('renewal_min_term_months') }}
        and live_contracts.renewal_date >= {{ as_of_date() }}
        and live_contracts.renewal_date
        <= cast({{ dbt.dateadd('day', var('renewal_horizon_days'), as_of_date()) }} as date)

)

select * from final
