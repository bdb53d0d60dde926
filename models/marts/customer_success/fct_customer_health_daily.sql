{#- The customer health score: one row per customer and UTC day from the
    customer's first paid day through as_of_date (METRICS.md, "Health score").

    * Components 0-100 come from one int_health_<component>_daily model each;
      a component is null when it has no input that day (see each model).
    * health_score = sum(w_i * s_i) / sum(w_i) over the non-null components,
      weights var health_weights, rounded to 2 decimals; null (and the band
      null) when fewer than var health_min_components components are available:
      a billing-only customer scored on its invoices alone is not "green", and
      the backtest shows such customers churn like red ones. The band is read from the rounded score: red <
      health_band_yellow_min <= yellow < health_band_green_min <= green.
    * score_change_30d / _90d: today's score minus the score 30 / 90 days
      earlier (null before the customer has that much history or when either is
      null).
    * Rows continue after churn (is_paying false) so the slide stays visible;
      alerts and the backtest read paying days only.
    * A full rebuild on every run (measured: 2.4 s alone at 1k customers x 36 months,
      635k rows; score_change_90d and the trailing components need the whole trailing
      history anyway): see int_health_usage_daily and docs/architecture.md
      "Incremental refresh".
    * The grid and the components are joined on (fast_hash(customer_id), date_day):
      fixed-size keys instead of text, the six joins 6.9-7.6 s -> 4.8-5.0 s alone at
      10k customers (identical rows). The singular test
      assert_health_customer_hash_injective, which dbt runs before this model, fails
      the build if two customer ids ever share a hash. -#}

with

customer_days as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        first_paid_date,
        is_paying,
        is_in_onboarding_grace
    from {{ ref('int_health_customer_days') }}

),

adoption as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        licensed_seats,
        active_users_30d,
        seat_utilisation,
        key_features_used_30d,
        adoption_score
    from {{ ref('int_health_adoption_daily') }}

),

engagement as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        engagement_score
    from {{ ref('int_health_engagement_daily') }}

),

sentiment as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        sentiment_score
    from {{ ref('int_health_sentiment_daily') }}

),

support as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        support_score
    from {{ ref('int_health_support_daily') }}

),

financial as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        financial_score
    from {{ ref('int_health_financial_daily') }}

),

relationship as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        relationship_score
    from {{ ref('int_health_relationship_daily') }}

),

components as (

    select
        customer_days.customer_id,
        customer_days.customer_hash,
        customer_days.date_day,
        customer_days.first_paid_date,
        customer_days.is_paying,
        customer_days.is_in_onboarding_grace,
        adoption.licensed_seats,
        adoption.active_users_30d,
        adoption.seat_utilisation,
        adoption.key_features_used_30d,
        adoption.adoption_score,
        engagement.engagement_score,
        sentiment.sentiment_score,
        support.support_score,
        financial.financial_score,
        relationship.relationship_score
    from customer_days
    left join adoption
        on customer_days.customer_hash = adoption.customer_hash and customer_days.date_day = adoption.date_day
    left join engagement
        on customer_days.customer_hash = engagement.customer_hash and customer_days.date_day = engagement.date_day
    left join sentiment
        on customer_days.customer_hash = sentiment.customer_hash and customer_days.date_day = sentiment.date_day
    left join support
        on customer_days.customer_hash = support.customer_hash and customer_days.date_day = support.date_day
    left join financial
        on customer_days.customer_hash = financial.customer_hash and customer_days.date_day = financial.date_day
    left join relationship
        on customer_days.customer_hash = relationship.customer_hash and customer_days.date_day = relationship.date_day

),

{# METRICS.md: composite = sum(w * s) / sum(w) over the components that are not null. #}
weighted as (

    select
        components.*,
        case
            when components.adoption_score is not null then {{ health_weight('health_weights', 'adoption') }}
            else 0
        end as adoption_weight,
        case
            when components.engagement_score is not null then {{ health_weight('health_weights', 'engagement') }}
            else 0
        end as engagement_weight,
        case
            when components.sentiment_score is not null then {{ health_weight('health_weights', 'sentiment') }}
            else 0
        end as sentiment_weight,
        case
            when components.support_score is not null then {{ health_weight('health_weights', 'support') }}
            else 0
        end as support_weight,
        case
            when components.financial_score is not null then {{ health_weight('health_weights', 'financial') }}
            else 0
        end as financial_weight,
        case
            when components.relationship_score is not null then {{ health_weight('health_weights', 'relationship') }}
            else 0
        end as relationship_weight
    from components

),

sums as (

    select
        weighted.*,
        (
            case when weighted.adoption_score is not null then 1 else 0 end
            + case when weighted.engagement_score is not null then 1 else 0 end
            + case when weighted.sentiment_score is not null then 1 else 0 end
            + case when weighted.support_score is not null then 1 else 0 end
            + case when weighted.financial_score is not null then 1 else 0 end
            + case when weighted.relationship_score is not null then 1 else 0 end
        ) as components_available,
        (
            coalesce(weighted.adoption_score, 0) * weighted.adoption_weight
            + coalesce(weighted.engagement_score, 0) * weighted.engagement_weight
            + coalesce(weighted.sentiment_score, 0) * weighted.sentiment_weight
            + coalesce(weighted.support_score, 0) * weighted.support_weight
            + coalesce(weighted.financial_score, 0) * weighted.financial_weight
            + coalesce(weighted.relationship_score, 0) * weighted.relationship_weight
        ) as weighted_score_sum,
        (
            weighted.adoption_weight
            + weighted.engagement_weight
            + weighted.sentiment_weight
            + weighted.support_weight
            + weighted.financial_weight
            + weighted.relationship_weight
        ) as weight_sum
    from weighted

),

scored as (

    select
        sums.*,
        case
            when sums.components_available >= {{ var('health_min_components') }} and sums.weight_sum > 0
                then cast({{ round_double("sums.weighted_score_sum / sums.weight_sum", 2) }} as {{ type_double() }})
        end as health_score
    from sums

),

final as (

    select
        customer_id,
        date_day,
        cast(adoption_score as {{ type_double() }}) as adoption_score,
        cast(engagement_score as {{ type_double() }}) as engagement_score,
        cast(sentiment_score as {{ type_double() }}) as sentiment_score,
        cast(support_score as {{ type_double() }}) as support_score,
        cast(financial_score as {{ type_double() }}) as financial_score,
        cast(relationship_score as {{ type_double() }}) as relationship_score,
        cast(components_available as integer) as components_available,
        cast(health_score as {{ type_double() }}) as health_score,
        {{ health_band('health_score') }} as health_band,
        cast(health_score - lag(health_score, 30) over (
            partition by customer_id order by date_day
        ) as {{ type_double() }}) as score_change_30d,
        cast(health_score - lag(health_score, 90) over (
            partition by customer_id order by date_day
        ) as {{ type_double() }}) as score_change_90d,
        is_in_onboarding_grace,
        first_paid_date,
        is_paying,
        cast(licensed_seats as integer) as licensed_seats,
        cast(active_users_30d as integer) as active_users_30d,
        cast(seat_utilisation as {{ type_double() }}) as seat_utilisation,
        cast(key_features_used_30d as integer) as key_features_used_30d
    from scored

)

select * from final
