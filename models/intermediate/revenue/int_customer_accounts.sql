{#- One row per mapped customer (an ultimate parent CRM account) with the CRM
    attributes retention segments by: industry, acquisition channel
    (account_source) and size band.

    Decisions where METRICS.md is silent: the attributes are the customer
    account's own (not summed or voted over its children), and they are the
    current CRM values - salesforce.account carries no history, so they are the
    best available "as of the cohort start". Size bands come from var
    revenue_size_bands (macro revenue_size_band); a null employee count is
    'unknown'. Unmapped customers have no row (their segments are 'unknown'). -#}

with

accounts as (

    select
        account_id,
        account_name,
        industry,
        acquisition_channel,
        employee_count
    from {{ ref('stg_salesforce__accounts') }}

),

rolled_up as (

    select distinct customer_account_id
    from {{ ref('int_accounts_rolled_up') }}

),

final as (

    select
        rolled_up.customer_account_id as customer_id,
        accounts.account_name as customer_name,
        accounts.industry,
        accounts.acquisition_channel,
        accounts.employee_count,
        {{ revenue_size_band('accounts.employee_count') }} as size_band
    from rolled_up
    inner join accounts
        on rolled_up.customer_account_id = accounts.account_id

)

select * from final
