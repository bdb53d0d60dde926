{#- Customer-grain MRR movements (METRICS.md, "Movements"), by the same rules as
    the contract grain applied to the customer's summed MRR, so revenue moved
    from one contract to another of the same customer is expansion or
    contraction (or nothing), never churn + new. One row per customer and month
    with a movement. -#}

with

customer_months as (

    select
        customer_id,
        month,
        is_complete,
        mrr
    from {{ ref('fct_customer_mrr_monthly') }}

),

{# A customer's rows run without gaps from its first month with MRR > 0. #}
with_previous as (

    select
        customer_months.*,
        coalesce(
            lag(customer_months.mrr) over (
                partition by customer_months.customer_id order by customer_months.month
            ),
            0
        ) as mrr_prev,
        coalesce(
            max(case when customer_months.mrr > 0 then 1 else 0 end) over (
                partition by customer_months.customer_id
                order by customer_months.month
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as had_earlier_mrr
    from customer_months

),

classified as (

    select
        with_previous.*,
        {{ revenue_movement_type('with_previous.mrr_prev', 'with_previous.mrr', 'with_previous.had_earlier_mrr') }}
            as movement_type
    from with_previous

),

final as (

    select
        customer_id,
        month,
        movement_type,
        cast(mrr_prev as decimal(38, 6)) as mrr_prev,
        mrr,
        cast(mrr - mrr_prev as decimal(38, 6)) as mrr_change,
        is_complete
    from classified
    where movement_type is not null

)

select * from final
