{#- Every contract (Stripe subscription) with its customer. A contract's customer
    comes from its latest subscription version (METRICS.md); a billing customer
    unknown to stripe.customer maps to unmapped:<customer id>.

    Decisions where METRICS.md is silent: "latest" is the latest version that
    started by the as_of_date snapshot (nothing after as_of_date is reported;
    only a contract with no such version falls back to later ones); among those,
    versions without a customer id are skipped; a contract none of whose versions
    names a customer maps to 'unmapped:'. -#}

{%- set as_of_snapshot = "cast(" ~ dbt.dateadd('day', 1, as_of_date()) ~ " as timestamp)" %}

with

subscription_versions as (

    select
        subscription_id,
        customer_id as stripe_customer_id,
        version_start_at,
        version_end_at
    from {{ ref('stg_stripe__subscription_versions') }}

),

billing_customers as (

    select
        stripe_customer_id,
        customer_id,
        mapping_status,
        is_customer_unmapped
    from {{ ref('int_customers_resolved') }}

),

{# Versions that started by the as_of_date snapshot (the day after as_of_date,
    00:00) first, then those naming a customer, then the latest start. #}
versions_ranked as (

    select
        subscription_versions.*,
        row_number() over (
            partition by subscription_versions.subscription_id
            order by
                case when subscription_versions.version_start_at < {{ as_of_snapshot }} then 0 else 1 end asc,
                case when subscription_versions.stripe_customer_id is not null then 0 else 1 end asc,
                subscription_versions.version_start_at desc,
                subscription_versions.version_end_at desc
        ) as version_rank
    from subscription_versions

),

latest_versions as (

    select
        subscription_id,
        stripe_customer_id
    from versions_ranked
    where version_rank = 1

),

final as (

    select
        latest_versions.subscription_id,
        latest_versions.stripe_customer_id,
        coalesce(
            billing_customers.customer_id,
            {{ revenue_unmapped_customer_id('latest_versions.stripe_customer_id') }}
        ) as customer_id,
        case
            when latest_versions.stripe_customer_id is null then 'no_billing_customer'
            when billing_customers.stripe_customer_id is null then 'unknown_billing_customer'
            else billing_customers.mapping_status
        end as mapping_status,
        coalesce(billing_customers.is_customer_unmapped, true) as is_customer_unmapped
    from latest_versions
    left join billing_customers
        on latest_versions.stripe_customer_id = billing_customers.stripe_customer_id

)

select * from final
