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
    * Incremental (macros/health_incremental.sql; delete+insert on customer_id +
      date_day): a day's row depends on that day's grid and component rows and on the
      scores of the 90 days before it. A run recomputes each customer from the first
      day whose grid or component row was rewritten since this table last wrote (each
      carries loaded_at), else from the day after its last stored day; from its first
      paid day when that moved or when this file or the weights, minimum components or
      band cut-offs changed (inputs_checksum). The trend reads the stored scores of the
      90 days before the first recomputed day. Rows off the grid are deleted by the
      post-hook. Spark: a table.
    * The grid and the components are joined on (fast_hash(customer_id), date_day):
      fixed-size keys instead of text, the six joins 6.9-7.6 s -> 4.8-5.0 s alone at
      10k customers (identical rows). The singular test
      assert_health_customer_hash_injective, which dbt runs before this model, fails
      the build if two customer ids ever share a hash. -#}

{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_weights', 'health_min_components', 'health_band_yellow_min', 'health_band_green_min',
]) %}

-- sqlfluff:indentation:template_blocks_indent:false

with

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date
    from {{ ref('int_health_customer_days') }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(is_refresh, 'first_paid_days', none, config_hash, upstreams=[
        ref('int_health_customer_days'), ref('int_health_adoption_daily'), ref('int_health_engagement_daily'),
        ref('int_health_sentiment_daily'), ref('int_health_support_daily'), ref('int_health_financial_daily'),
        ref('int_health_relationship_daily'),
    ]) }}

),

customer_days as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        first_paid_date,
        is_paying,
        is_in_onboarding_grace
    from (
        {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope', [
            'first_paid_date', 'is_paying', 'is_in_onboarding_grace',
        ]) | indent(8) }}
    ) as grid_rows

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
    from (
        {{ health_grid_in_scope(ref('int_health_adoption_daily'), 'refresh_scope', [
            'licensed_seats',
            'active_users_30d',
            'seat_utilisation',
            'key_features_used_30d',
            'adoption_score',
        ]) | indent(8) }}
    ) as component_rows

),

engagement as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        engagement_score
    from (
        {{ health_grid_in_scope(
            ref('int_health_engagement_daily'), 'refresh_scope', ['engagement_score']
        ) | indent(8) }}
    ) as component_rows

),

sentiment as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        sentiment_score
    from (
        {{ health_grid_in_scope(
            ref('int_health_sentiment_daily'), 'refresh_scope', ['sentiment_score']
        ) | indent(8) }}
    ) as component_rows

),

support as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        support_score
    from (
        {{ health_grid_in_scope(
            ref('int_health_support_daily'), 'refresh_scope', ['support_score']
        ) | indent(8) }}
    ) as component_rows

),

financial as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        financial_score
    from (
        {{ health_grid_in_scope(
            ref('int_health_financial_daily'), 'refresh_scope', ['financial_score']
        ) | indent(8) }}
    ) as component_rows

),

relationship as (

    select
        customer_id,
        {{ fast_hash('customer_id') }} as customer_hash,
        date_day,
        relationship_score
    from (
        {{ health_grid_in_scope(
            ref('int_health_relationship_daily'), 'refresh_scope', ['relationship_score']
        ) | indent(8) }}
    ) as component_rows

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

{# The trend needs the scores of the 90 days before the first recomputed day: stored,
   unchanged by this run (those still on the grid). #}
scores_with_history as (

    select
        customer_hash,
        date_day,
        health_score,
        true as is_recomputed
    from scored
    {%- if is_refresh %}
    union all
    select
        {{ fast_hash('stored_rows.customer_id') }} as customer_hash,
        stored_rows.date_day,
        stored_rows.health_score,
        false as is_recomputed
    from {{ this }} as stored_rows
    inner join refresh_scope
        on
            stored_rows.customer_id = refresh_scope.customer_id
            and stored_rows.date_day < refresh_scope.recompute_from_date
            and stored_rows.date_day >= cast({{ dbt.dateadd('day', -90, 'refresh_scope.recompute_from_date') }} as date)
            {#- not rows of days before a first paid day that moved later: off the grid now #}
            and stored_rows.date_day >= refresh_scope.first_paid_date
    {%- endif %}

),

score_changes as (

    select
        customer_hash,
        date_day,
        is_recomputed,
        health_score - lag(health_score, 30) over (
            partition by customer_hash order by date_day
        ) as score_change_30d,
        health_score - lag(health_score, 90) over (
            partition by customer_hash order by date_day
        ) as score_change_90d
    from scores_with_history

),

final as (

    select
        scored.customer_id,
        scored.date_day,
        cast(scored.adoption_score as {{ type_double() }}) as adoption_score,
        cast(scored.engagement_score as {{ type_double() }}) as engagement_score,
        cast(scored.sentiment_score as {{ type_double() }}) as sentiment_score,
        cast(scored.support_score as {{ type_double() }}) as support_score,
        cast(scored.financial_score as {{ type_double() }}) as financial_score,
        cast(scored.relationship_score as {{ type_double() }}) as relationship_score,
        cast(scored.components_available as integer) as components_available,
        cast(scored.health_score as {{ type_double() }}) as health_score,
        {{ health_band('scored.health_score') }} as health_band,
        cast(score_changes.score_change_30d as {{ type_double() }}) as score_change_30d,
        cast(score_changes.score_change_90d as {{ type_double() }}) as score_change_90d,
        scored.is_in_onboarding_grace,
        scored.first_paid_date,
        scored.is_paying,
        cast(scored.licensed_seats as integer) as licensed_seats,
        cast(scored.active_users_30d as integer) as active_users_30d,
        cast(scored.seat_utilisation as {{ type_double() }}) as seat_utilisation,
        cast(scored.key_features_used_30d as integer) as key_features_used_30d,
        {{ config_hash }} as inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from scored
    inner join score_changes
        on
            scored.customer_hash = score_changes.customer_hash
            and scored.date_day = score_changes.date_day
            and score_changes.is_recomputed

)

select * from final
