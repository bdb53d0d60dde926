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
      nothing is invented (components_available shows it).

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day): a day's value depends only on that day's grid and usage rows and on the
    catalogue, so a run recomputes each customer from the first day whose grid or usage
    row (int_health_usage_daily) was rewritten since this table last wrote, or from the
    day after its last stored day; from its first grid day when its first paid day, the
    catalogue's key-feature count, this file or the adoption vars changed (checksum).
    Spark: a table. -#}

{%- set utilisation_weight = var('health_adoption_utilisation_weight') | float %}
{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_adoption_utilisation_weight', 'health_adoption_target_utilisation',
    'health_adoption_target_key_feature_share',
]) %}
{%- set delta_columns = [['max', 'key_features_total', 'key_features_total']] %}

-- sqlfluff:indentation:template_blocks_indent:false

with

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date
    from {{ ref('int_health_customer_days') }}

),

key_feature_catalogue as (

    select count(*) as key_features_total
    from {{ ref('product_event_catalogue') }}
    where is_key_feature

),

{# The catalogue's key-feature count, dated before every grid: part of each customer's
   checksum, so a re-catalogued key feature recomputes every day. #}
catalogue_deltas as (

    select
        first_paid_days.customer_id,
        cast('1900-01-01' as date) as date_day,
        key_feature_catalogue.key_features_total
    from first_paid_days
    cross join key_feature_catalogue

),

catalogue_by_customer as (

    {{ health_deltas_by_day('catalogue_deltas', 'first_paid_days', delta_columns, checksum=true) }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(
        is_refresh, 'first_paid_days', 'catalogue_by_customer', config_hash,
        upstreams=[ref('int_health_customer_days'), ref('int_health_usage_daily')]
    ) }}

),

customer_days as (

    {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope', [
        'licensed_seats', 'is_in_onboarding_grace',
    ]) }}

),

usage as (

    {{ health_grid_in_scope(ref('int_health_usage_daily'), 'refresh_scope', [
        'has_product_users', 'active_users_30d', 'key_features_used_30d',
    ]) }}

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
        end as key_feature_breadth_score,
        {{ config_hash }} + catalogue_by_customer.delta_hash as inputs_checksum
    from customer_days
    inner join usage
        on
            customer_days.customer_id = usage.customer_id
            and customer_days.date_day = usage.date_day
    inner join catalogue_by_customer
        on customer_days.customer_id = catalogue_by_customer.customer_id
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
        end as adoption_score,
        inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from parts

)

select * from final
