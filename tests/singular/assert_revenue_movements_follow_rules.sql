{#- Every movement row, at both grains, satisfies its METRICS.md rule and
    mrr_change = mrr - mrr_prev; mrr_prev matches the grain's previous month.
    Returns the offending rows. -#}

with

movements as (

    select
        'contract' as grain,
        subscription_id as entity_id,
        month,
        movement_type,
        mrr_prev,
        mrr,
        mrr_change
    from {{ ref('fct_contract_mrr_movements') }}

    union all

    select
        'customer' as grain,
        customer_id as entity_id,
        month,
        movement_type,
        mrr_prev,
        mrr,
        mrr_change
    from {{ ref('fct_customer_mrr_movements') }}

),

with_history as (

    select
        movements.*,
        row_number() over (
            partition by movements.grain, movements.entity_id order by movements.month
        ) as movement_number
    from movements

)

select *
from with_history
where
    mrr_change <> mrr - mrr_prev
    or mrr < 0
    or mrr_prev < 0
    or (movement_type = 'new' and not (mrr > 0 and mrr_prev = 0 and movement_number = 1))
    or (movement_type = 'reactivation' and not (mrr > 0 and mrr_prev = 0 and movement_number > 1))
    or (movement_type = 'expansion' and not (mrr_prev > 0 and mrr > mrr_prev))
    or (movement_type = 'contraction' and not (mrr > 0 and mrr < mrr_prev))
    or (movement_type = 'churn' and not (mrr_prev > 0 and mrr = 0))
    or (movement_number = 1 and movement_type <> 'new')
