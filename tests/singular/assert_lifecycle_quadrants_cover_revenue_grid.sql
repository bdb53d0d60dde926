{#- fct_customer_lifecycle and fct_loyalty_quadrants have exactly the revenue
    spine's customer-month grid (fct_customer_mrr_monthly: first month with
    MRR > 0 through the as_of_date month), the same MRR and is_complete, and
    'churned' (stage and quadrant) exactly in the months with MRR 0. Returns the
    customer-months that break it, with the reason. -#}

with

revenue_months as (

    select
        customer_id,
        month,
        is_complete,
        mrr
    from {{ ref('fct_customer_mrr_monthly') }}

),

lifecycle as (

    select
        customer_id,
        month,
        is_complete,
        mrr,
        lifecycle_stage
    from {{ ref('fct_customer_lifecycle') }}

),

quadrants as (

    select
        customer_id,
        month,
        is_complete,
        mrr,
        loyalty_quadrant
    from {{ ref('fct_loyalty_quadrants') }}

),

compared as (

    select
        coalesce(revenue_months.customer_id, lifecycle.customer_id, quadrants.customer_id) as customer_id,
        coalesce(revenue_months.month, lifecycle.month, quadrants.month) as month,
        case
            when revenue_months.customer_id is null then 'not_in_revenue_grid'
            when lifecycle.customer_id is null then 'missing_from_lifecycle'
            when quadrants.customer_id is null then 'missing_from_quadrants'
            when
                lifecycle.mrr <> revenue_months.mrr or quadrants.mrr <> revenue_months.mrr
                then 'mrr_differs'
            when
                lifecycle.is_complete <> revenue_months.is_complete
                or quadrants.is_complete <> revenue_months.is_complete
                then 'is_complete_differs'
            when (lifecycle.lifecycle_stage = 'churned') <> (revenue_months.mrr = 0) then 'stage_churned_mismatch'
            when (quadrants.loyalty_quadrant = 'churned') <> (revenue_months.mrr = 0) then 'quadrant_churned_mismatch'
        end as failure
    from revenue_months
    full outer join lifecycle
        on
            revenue_months.customer_id = lifecycle.customer_id
            and revenue_months.month = lifecycle.month
    full outer join quadrants
        on
            coalesce(revenue_months.customer_id, lifecycle.customer_id) = quadrants.customer_id
            and coalesce(revenue_months.month, lifecycle.month) = quadrants.month

)

select * from compared
where failure is not null
