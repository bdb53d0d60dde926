{#- Product events pre-aggregated to one row per customer, user, day and event
    name, with the event's catalogue attributes: the usage input every health,
    onboarding and expansion model reads (scanning raw tracks once).

    Decisions:
    * Only events of users mapped to a customer (int_segment_users_mapped with
      a customer_id); anonymous events and events of unmapped users cannot be
      attributed and are left out here (they stay in stg_segment__tracks).
    * date_day is the UTC calendar day of event_at; nothing after as_of_date.
    * Events missing from the catalogue (seed product_event_catalogue) are kept
      with feature null and every flag false: unknown events count as neither
      key feature nor activity (the seed's documented rule).
    * Aggregation happens before the catalogue join (events -> user-day-event
      first) so the wide table is never joined row by row. -#}

with

tracks as (

    select
        user_id,
        event_name,
        cast(event_at as date) as date_day
    from {{ ref('stg_segment__tracks') }}
    where
        user_id is not null
        and cast(event_at as date) <= {{ as_of_date() }}

),

users as (

    select
        user_id,
        customer_id
    from {{ ref('int_segment_users_mapped') }}
    where customer_id is not null

),

catalogue as (

    select
        event_name,
        feature,
        is_key_feature,
        is_onboarding_milestone,
        onboarding_milestone,
        counts_as_activity
    from {{ ref('product_event_catalogue') }}

),

events_per_user_day as (

    select
        user_id,
        date_day,
        event_name,
        count(*) as event_count
    from tracks
    group by 1, 2, 3

),

final as (

    select
        users.customer_id,
        events_per_user_day.user_id,
        events_per_user_day.date_day,
        events_per_user_day.event_name,
        cast(events_per_user_day.event_count as integer) as event_count,
        catalogue.feature,
        coalesce(catalogue.is_key_feature, false) as is_key_feature,
        coalesce(catalogue.is_onboarding_milestone, false) as is_onboarding_milestone,
        catalogue.onboarding_milestone,
        coalesce(catalogue.counts_as_activity, false) as counts_as_activity
    from events_per_user_day
    inner join users
        on events_per_user_day.user_id = users.user_id
    left join catalogue
        on events_per_user_day.event_name = catalogue.event_name

)

select * from final
