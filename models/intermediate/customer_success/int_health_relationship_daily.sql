{#- Relationship component (0-100) per customer and day (METRICS.md: champion
    present, sponsor contact).

    * Champion: a CRM contact of the customer whose title is neither a billing
      title (var health_relationship_billing_title_keywords) nor a sponsor title
      (the sponsor is scored separately), and whose e-mail is a product user of
      the customer. The champion is active on a day when that
      user had an activity event in the trailing var
      health_relationship_champion_window_days. (CRMs rarely carry a reliable
      "champion" flag; the contact who both owns the relationship and lives in the
      product is the one a CSM calls the champion.)
    * Sponsor: a contact whose title matches var
      health_relationship_sponsor_title_keywords (chief, vp, director, head of).
      The last sponsor touch is the latest completed CRM task with a sponsor
      contact on or before the day; 100 up to health_relationship_sponsor_full_days
      old, 0 from health_relationship_sponsor_zero_days (and never touched), linear
      between.
    * relationship = weighted mean (var health_relationship_weights) of champion
      (100 when active, else 0) and sponsor touch. Null when the customer has no
      CRM contact. -#}

{%- set champion_window_days = var('health_relationship_champion_window_days') | int %}

with

customer_days as (

    select
        customer_id,
        date_day,
        first_paid_date
    from {{ ref('int_health_customer_days') }}

),

accounts as (

    select
        account_id,
        customer_account_id as customer_id
    from {{ ref('int_accounts_rolled_up') }}

),

contacts as (

    select
        contacts.contact_id,
        accounts.customer_id,
        contacts.email,
        {{ health_matches_keywords('contacts.title', var('health_relationship_billing_title_keywords')) }}
            as is_billing_contact,
        {{ health_matches_keywords('contacts.title', var('health_relationship_sponsor_title_keywords')) }}
            as is_sponsor
    from {{ ref('stg_salesforce__contacts') }} as contacts
    inner join accounts
        on contacts.account_id = accounts.account_id

),

customers_with_contacts as (

    select distinct customer_id
    from contacts

),

champion_users as (

    select distinct
        product_users.customer_id,
        product_users.user_id
    from {{ ref('int_segment_users_mapped') }} as product_users
    inner join contacts
        on
            product_users.user_email = contacts.email
            and product_users.customer_id = contacts.customer_id
    where not contacts.is_billing_contact and not contacts.is_sponsor

),

champion_active_days as (

    select distinct
        events.customer_id,
        events.user_id,
        events.date_day
    from {{ ref('int_product_events_daily') }} as events
    inner join champion_users
        on
            events.customer_id = champion_users.customer_id
            and events.user_id = champion_users.user_id
    where events.counts_as_activity

),

{# Per customer and day: how many champions' merged coverages start on the day and
   end {{ champion_window_days }} days later. #}
champion_edges_by_day as (

    {{ health_coverage_by_day('champion_active_days', ['customer_id', 'user_id'], champion_window_days) }}

),

sponsor_touches as (

    select
        contacts.customer_id,
        crm_tasks.activity_date
    from {{ ref('stg_salesforce__tasks') }} as crm_tasks
    inner join contacts
        on crm_tasks.contact_id = contacts.contact_id
    where
        contacts.is_sponsor
        and crm_tasks.status = 'Completed'
        and crm_tasks.activity_date <= {{ as_of_date() }}

),

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date
    from customer_days

),

deltas as (

    select
        customer_id,
        date_day,
        coverage_starts as active_champions_delta,
        cast(null as date) as sponsor_touch_date
    from champion_edges_by_day
    where coverage_starts > 0
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', champion_window_days, 'date_day') }} as date) as date_day,
        -1 * coverage_ends as active_champions_delta,
        cast(null as date) as sponsor_touch_date
    from champion_edges_by_day
    where coverage_ends > 0
    union all
    select
        customer_id,
        activity_date as date_day,
        0 as active_champions_delta,
        activity_date as sponsor_touch_date
    from sponsor_touches

),

deltas_by_day as (

    {{ health_deltas_by_day('deltas', 'first_paid_days', [
        ['sum', 'active_champions_delta', 'active_champions_delta'],
        ['max', 'sponsor_touch_date', 'last_sponsor_touch_date'],
    ]) }}

),

inputs_by_day as (

    {{ health_running_totals('customer_days', 'deltas_by_day', [
        ['sum', 'active_champions_delta', 'active_champions'],
        ['max', 'last_sponsor_touch_date', 'last_sponsor_touch_date'],
    ]) }}

),

parts as (

    select
        inputs_by_day.customer_id,
        inputs_by_day.date_day,
        customers_with_contacts.customer_id is not null as has_contacts,
        cast(inputs_by_day.active_champions as integer) as active_champions,
        inputs_by_day.last_sponsor_touch_date,
        cast({{ dbt.datediff('inputs_by_day.last_sponsor_touch_date', 'inputs_by_day.date_day', 'day') }} as integer)
            as days_since_sponsor_touch
    from inputs_by_day
    left join customers_with_contacts
        on inputs_by_day.customer_id = customers_with_contacts.customer_id

),

final as (

    select
        customer_id,
        date_day,
        active_champions,
        active_champions > 0 as has_active_champion,
        last_sponsor_touch_date,
        days_since_sponsor_touch,
        case
            when has_contacts
                then cast({{ round_double(health_weighted_mean('health_relationship_weights', {
                    'champion': '(case when active_champions > 0 then 100.0 else 0.0 end)',
                    'sponsor': health_recency_score(
                        'days_since_sponsor_touch',
                        var('health_relationship_sponsor_full_days'),
                        var('health_relationship_sponsor_zero_days')
                    ),
                }), 2) }} as {{ type_double() }})
        end as relationship_score
    from parts

)

select * from final
