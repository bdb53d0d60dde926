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
        {{ revenue_previous_mrr_columns('customer_months', 'customer_id') }}
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
