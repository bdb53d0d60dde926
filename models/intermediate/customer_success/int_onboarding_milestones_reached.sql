{#- One row per customer and onboarding milestone it has reached on or before
    as_of_date, with the first day it was reached: every onboarding_milestone
    of the product-event catalogue (seed product_event_catalogue, read through
    int_product_events_daily), plus first_key_feature - the first event of a
    key feature (is_key_feature), i.e. time to first value.

    Decisions where METRICS.md is silent:
    * A milestone counts the first time any of the customer's users reaches it,
      whenever that was: reached during a trial (before the first paid date)
      still counts, and fct_onboarding reports it as day 0.
    * Events of users not mapped to a customer cannot count (int_product_events_daily
      holds mapped users only). -#}

with

events as (

    select
        customer_id,
        date_day,
        is_key_feature,
        is_onboarding_milestone,
        onboarding_milestone
    from {{ ref('int_product_events_daily') }}

),

catalogue_milestones as (

    select
        customer_id,
        onboarding_milestone as milestone,
        min(date_day) as reached_date
    from events
    where is_onboarding_milestone and onboarding_milestone is not null
    group by 1, 2

),

first_key_feature as (

    select
        customer_id,
        'first_key_feature' as milestone,
        min(date_day) as reached_date
    from events
    where is_key_feature
    group by 1, 2

),

final as (

    select * from catalogue_milestones
    union all
    select * from first_key_feature

)

select * from final
