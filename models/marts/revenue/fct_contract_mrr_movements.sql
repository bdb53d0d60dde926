{#- Contract-grain MRR movements (METRICS.md, "Movements"): one row per contract
    and month whose MRR differs from the previous month's, typed new,
    reactivation, expansion, contraction or churn. mrr_change = mrr - mrr_prev.
    Amounts are exact decimals, so any difference is a movement (differences
    below 0.000001 cannot occur). Month grain is blind to changes that start and
    end inside one month. -#}

with

contract_months as (

    select
        subscription_id,
        customer_id,
        month,
        is_complete,
        mrr
    from {{ ref('fct_contract_mrr_monthly') }}

),

{# A contract's rows run without gaps from its first month with MRR > 0, so the
    previous row is the previous month; before the first row MRR was 0. #}
with_previous as (

    select
        contract_months.*,
        {{ revenue_previous_mrr_columns('contract_months', 'subscription_id') }}
    from contract_months

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
        subscription_id,
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
