{#- Every raw stripe row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_stripe__* models it accounts
    for every raw row (stg_raw_row_accounting). -#}

{{ staging_rejects_union([
    ['stripe.customer', 'base_stripe__customer'],
    ['stripe.product', 'base_stripe__product'],
    ['stripe.price', 'base_stripe__price'],
    ['stripe.subscription_history', 'base_stripe__subscription_history'],
    ['stripe.subscription_item_history', 'base_stripe__subscription_item_history'],
    ['stripe.coupon', 'base_stripe__coupon'],
    ['stripe.subscription_discount', 'base_stripe__subscription_discount'],
    ['stripe.invoice', 'base_stripe__invoice'],
]) }}
