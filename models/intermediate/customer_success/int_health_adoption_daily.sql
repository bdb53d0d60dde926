{#- Adoption component (0-100) per customer and day (METRICS.md, "Health score":
    active users vs licensed seats, key-feature breadth).

    * utilisation part: 100 * least(seat_utilisation / var
      health_adoption_target_utilisation, 1), seat_utilisation = active_users_30d
      / licensed_seats; null when the customer has no licensed seats that day.
    * breadth part: 100 * least(key_features_used_30d / (key-feature events in
      the catalogue * var health_adoption_target_key_feature_share), 1).
    * adoption = utilisation * var health_adoption_utilisation_weight + breadth *
      (1 - weight); breadth alone when there are no seats.
    * Null without product users (usage not measurable) and during the onboarding
      grace period: a new customer's adoption is not scored yet rather than
      floored, so the composite is the weighted mean of the other components and
      nothing is invented (components_available shows it). -#}

{%- set utilisation_weight = var('health_adoption_utilisation_weight') | float %}

with

customer_days as (

    select
        customer_id,
        date_day,
        licensed_seats,
        is_in_onboarding_grace
    from {{ ref('int_health_customer_days') }}

),

usage as (

    select
        customer_id,
        date_day,
        has_product_users,
        active_users_30d,
        key_features_used_30d
    from {{ ref('int_health_usage_daily') }}

),

key_feature_catalogue as (

    select count(*) as key_features_total
    from {{ ref('product_event_catalogue') }}
    where is_key_feature

),

parts as (

    select
        customer_days.customer_id,
        customer_days.date_day,
        customer_days.is_in_onboarding_grace,
        usage.has_product_users,
        customer_days.licensed_seats,
        usage.active_users_30d,
        usage.key_features_used_30d,
        case
            when customer_days.licensed_seats > 0
                then cast(usage.active_users_30d as {{ type_double() }}) / customer_days.licensed_seats
        end as seat_utilisation,
        case
            when customer_days.licensed_seats > 0
                then {{ health_ramp_up(
                    'cast(usage.active_users_30d as ' ~ type_double() ~ ') / customer_days.licensed_seats',
                    var('health_adoption_target_utilisation')
                ) }}
        end as utilisation_score,
        case
            when key_feature_catalogue.key_features_total > 0
                then {{ health_ramp_up(
                    'usage.key_features_used_30d',
                    'key_feature_catalogue.key_features_total * '
                    ~ var('health_adoption_target_key_feature_share')
                ) }}
        end as key_feature_breadth_score
    from customer_days
    inner join usage
        on
            customer_days.customer_id = usage.customer_id
            and customer_days.date_day = usage.date_day
    cross join key_feature_catalogue

),

final as (

    select
        customer_id,
        date_day,
        licensed_seats,
        active_users_30d,
        seat_utilisation,
        key_features_used_30d,
        utilisation_score,
        key_feature_breadth_score,
        case
            when is_in_onboarding_grace or not has_product_users then null
            when utilisation_score is null
                then cast({{ round_double('key_feature_breadth_score', 2) }} as {{ type_double() }})
            else cast({{ round_double(
                'utilisation_score * ' ~ utilisation_weight
                ~ ' + coalesce(key_feature_breadth_score, utilisation_score) * (1 - ' ~ utilisation_weight ~ ')',
                2
            ) }} as {{ type_double() }})
        end as adoption_score
    from parts

)

select * from final
