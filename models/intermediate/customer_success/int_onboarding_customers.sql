{#- One row per customer that has paid on or before as_of_date, with its first
    paid date: the first UTC day whose end-of-day snapshot has a contract of
    the customer in a revenue status (active, past_due) with item MRR > 0
    (int_health_contract_states). That is the daily form of the revenue
    spine's first month with MRR > 0 (METRICS.md, "Grain and time") and the
    same day the health score starts, so onboarding and health agree on day 0.
    The onboarding cohort is the month of the first paid date; only when a
    customer pays and stops inside one month (invisible at month grain) does it
    precede the revenue spine's first paid month.

    Reactivations do not restart onboarding: the first paid date is the first
    ever. Unmapped billing customers are kept and flagged (their product usage
    cannot be attributed, so their milestones stay null). -#}

with

contract_states as (

    select
        subscription_id,
        customer_id,
        valid_from_date
    from {{ ref('int_health_contract_states') }}
    where is_paying

),

contracts as (

    select
        subscription_id,
        is_customer_unmapped
    from {{ ref('int_contracts_mapped') }}

),

final as (

    select
        contract_states.customer_id,
        min(contract_states.valid_from_date) as first_paid_date,
        cast({{ dbt.date_trunc('month', 'min(contract_states.valid_from_date)') }} as date) as first_paid_month,
        {{ dbt.bool_or('contracts.is_customer_unmapped') }} as is_customer_unmapped
    from contract_states
    inner join contracts
        on contract_states.subscription_id = contracts.subscription_id
    where contract_states.valid_from_date <= {{ as_of_date() }}
    group by 1

)

select * from final
