{#- METRICS.md invariant, month grain: opening + new + reactivation + expansion
    - contraction - churned = closing for every bridge month, exactly (decimal
    amounts), and each month's opening is the previous month's closing. Returns
    the months that break it. -#}

with

bridge as (

    select * from {{ ref('fct_mrr_bridge') }}

),

checked as (

    select
        bridge.month,
        bridge.opening_mrr,
        bridge.closing_mrr,
        bridge.opening_mrr + bridge.new_mrr + bridge.reactivation_mrr + bridge.expansion_mrr
        - bridge.contraction_mrr - bridge.churned_mrr as rolled_forward_mrr,
        lag(bridge.closing_mrr) over (order by bridge.month) as previous_closing_mrr,
        row_number() over (order by bridge.month) as month_number
    from bridge

)

select *
from checked
where
    rolled_forward_mrr <> closing_mrr
    or (month_number > 1 and previous_closing_mrr <> opening_mrr)
    or (month_number = 1 and opening_mrr <> 0)
