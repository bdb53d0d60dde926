{#- Invoices (amounts in major units): the usable rows of
    stripe.invoice (reject_reason null in its base model). Rejected rows are in
    stg_stripe__rejects. -#}

with

base as (

    select * from {{ ref('base_stripe__invoice') }}

),

final as (

    select
        invoice_id,
        customer_id,
        subscription_id,
        status,
        currency,
        total_amount,
        amount_paid,
        created_at,
        due_at,
        period_start_at,
        period_end_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
