{#- Month-end health snapshot for trend reporting: one row per customer and
    month from the customer's first paid month through the as_of_date month.
    A complete month shows the health of its last day; the month holding
    as_of_date is snapshotted at as_of_date and flagged is_complete = false
    (the revenue spine's rule, METRICS.md "Grain and time"). -#}

with

health_daily as (

    select * from {{ ref('fct_customer_health_daily') }}

),

snapshots as (

    select
        health_daily.*,
        cast({{ dbt.date_trunc('month', 'health_daily.date_day') }} as date) as month
    from health_daily
    where
        health_daily.date_day = {{ as_of_date() }}
        or health_daily.date_day = cast({{ dbt.last_day('health_daily.date_day', 'month') }} as date)

),

final as (

    select
        customer_id,
        month,
        date_day as snapshot_date,
        month < cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as is_complete,
        adoption_score,
        engagement_score,
        sentiment_score,
        support_score,
        financial_score,
        relationship_score,
        components_available,
        health_score,
        health_band,
        score_change_30d,
        score_change_90d,
        is_in_onboarding_grace,
        is_paying,
        licensed_seats,
        active_users_30d,
        seat_utilisation,
        key_features_used_30d
    from snapshots

)

select * from final
