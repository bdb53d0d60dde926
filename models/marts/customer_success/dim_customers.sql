{#- The customer dimension (METRICS.md mart contract; issue 4, item 11): one
    row per customer that ever had MRR > 0 (every customer of
    fct_customer_mrr_monthly), unmapped billing customers included. "Current"
    is as of as_of_date: the as_of_date month's row of each monthly mart
    (its snapshot is taken at as_of_date).

    Decisions:
    * Name, industry, acquisition channel, size band: the customer's CRM
      account (int_customer_accounts). An unmapped customer
      (unmapped:<stripe customer id>) takes its Stripe customer's name (then its
      e-mail); the customer id stands in when neither exists. Segment fields
      without a value are 'unknown', as the retention mart segments them.
    * csm_name: the user name of the CRM account owner (owner_user_id ->
      salesforce.user); null for unmapped customers and unknown owners.
    * current_mrr, current_plan, billing_currency: fct_customer_mrr_monthly at
      the as_of_date month (plan and currency of the largest contract; null when
      MRR is 0). arr_usd = 12 x current_mrr. is_churned: current MRR 0.
    * lifecycle_stage, health_score / health_band, loyalty_quadrant: the
      as_of_date month of fct_customer_lifecycle, fct_customer_health_monthly
      (health at as_of_date) and fct_loyalty_quadrants. -#}

with

customer_months as (

    select
        customer_id,
        month,
        mrr,
        plan_name,
        billing_currency,
        is_customer_unmapped
    from {{ ref('fct_customer_mrr_monthly') }}

),

customer_accounts as (

    select
        customer_id,
        customer_name,
        industry,
        acquisition_channel,
        size_band
    from {{ ref('int_customer_accounts') }}

),

crm_accounts as (

    select
        account_id,
        owner_user_id
    from {{ ref('stg_salesforce__accounts') }}

),

crm_users as (

    select
        user_id,
        user_name
    from {{ ref('stg_salesforce__users') }}

),

contracts as (

    select
        customer_id,
        stripe_customer_id,
        is_customer_unmapped
    from {{ ref('int_contracts_mapped') }}

),

billing_customers as (

    select
        customer_id as stripe_customer_id,
        customer_name as stripe_customer_name,
        customer_email as stripe_customer_email
    from {{ ref('stg_stripe__customers') }}

),

lifecycle as (

    select
        customer_id,
        month,
        lifecycle_stage,
        stage_started_month,
        tenure_months
    from {{ ref('fct_customer_lifecycle') }}

),

health as (

    select
        customer_id,
        month,
        health_score,
        health_band
    from {{ ref('fct_customer_health_monthly') }}

),

quadrants as (

    select
        customer_id,
        month,
        loyalty_quadrant
    from {{ ref('fct_loyalty_quadrants') }}

),

customers as (

    select
        customer_id,
        min(case when mrr > 0 then month end) as first_paid_month,
        max(case when mrr > 0 then month end) as last_paid_month,
        max(case when is_customer_unmapped then 1 else 0 end) = 1 as is_unmapped
    from customer_months
    group by 1
    having max(mrr) > 0

),

current_months as (

    select
        customer_id,
        mrr,
        plan_name,
        billing_currency
    from customer_months
    where month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

),

{# An unmapped customer is one Stripe customer (its id is in the customer id). #}
unmapped_names as (

    select
        contracts.customer_id,
        min(coalesce(billing_customers.stripe_customer_name, billing_customers.stripe_customer_email))
            as stripe_customer_name
    from contracts
    inner join billing_customers
        on contracts.stripe_customer_id = billing_customers.stripe_customer_id
    where contracts.is_customer_unmapped
    group by 1

),

csms as (

    select
        crm_accounts.account_id as customer_id,
        crm_accounts.owner_user_id as csm_user_id,
        crm_users.user_name as csm_name
    from crm_accounts
    left join crm_users
        on crm_accounts.owner_user_id = crm_users.user_id

),

final as (

    select
        customers.customer_id,
        coalesce(customer_accounts.customer_name, unmapped_names.stripe_customer_name, customers.customer_id)
            as customer_name,
        coalesce(customer_accounts.industry, 'unknown') as industry,
        coalesce(customer_accounts.size_band, 'unknown') as size_band,
        coalesce(customer_accounts.acquisition_channel, 'unknown') as acquisition_channel,
        csms.csm_user_id,
        csms.csm_name,
        customers.first_paid_month,
        customers.last_paid_month,
        cast(coalesce(current_months.mrr, 0) as decimal(38, 6)) as current_mrr,
        cast(coalesce(current_months.mrr, 0) * 12 as decimal(38, 6)) as arr_usd,
        current_months.plan_name as current_plan,
        current_months.billing_currency,
        lifecycle.lifecycle_stage,
        lifecycle.stage_started_month as lifecycle_stage_since_month,
        lifecycle.tenure_months,
        cast(health.health_score as {{ type_double() }}) as health_score,
        health.health_band,
        quadrants.loyalty_quadrant,
        customers.is_unmapped,
        coalesce(current_months.mrr, 0) = 0 as is_churned
    from customers
    left join current_months
        on customers.customer_id = current_months.customer_id
    left join customer_accounts
        on customers.customer_id = customer_accounts.customer_id
    left join unmapped_names
        on customers.customer_id = unmapped_names.customer_id
    left join csms
        on customers.customer_id = csms.customer_id
    left join lifecycle
        on
            customers.customer_id = lifecycle.customer_id
            and lifecycle.month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
    left join health
        on
            customers.customer_id = health.customer_id
            and health.month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
    left join quadrants
        on
            customers.customer_id = quadrants.customer_id
            and quadrants.month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

)

select * from final
