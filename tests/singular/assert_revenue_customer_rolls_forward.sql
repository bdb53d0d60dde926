{#- METRICS.md invariant, customer grain: for every customer and month, MRR at
    the end of the previous month plus the month's movement (0 when there is no
    movement row) equals MRR at the end of the month, and a movement's mrr_prev /
    mrr are the customer's MRR at the two month ends. Returns the customer-months
    that break it. -#}

with

customer_months as (

    select
        customer_id,
        month,
        mrr,
        coalesce(lag(mrr) over (partition by customer_id order by month), 0) as mrr_prev
    from {{ ref('fct_customer_mrr_monthly') }}

),

movements as (

    select * from {{ ref('fct_customer_mrr_movements') }}

),

checked as (

    select
        coalesce(customer_months.customer_id, movements.customer_id) as customer_id,
        coalesce(customer_months.month, movements.month) as month,
        customer_months.mrr_prev,
        customer_months.mrr,
        movements.movement_type,
        movements.mrr_prev as movement_mrr_prev,
        movements.mrr as movement_mrr,
        movements.mrr_change
    from customer_months
    full outer join movements
        on
            customer_months.customer_id = movements.customer_id
            and customer_months.month = movements.month

)

select *
from checked
where
    mrr is null
    or mrr_prev + coalesce(mrr_change, 0) <> mrr
    or (movement_type is not null and (movement_mrr_prev <> mrr_prev or movement_mrr <> mrr))
