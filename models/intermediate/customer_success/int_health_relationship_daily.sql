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
      CRM contact.

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day). The sparse inputs are recomputed every run and hashed: sponsor touches,
    whether the customer has contacts, and its set of champion users (a contact's
    title or e-mail, or a user's mapping, changes it). A customer whose hash up to its
    last stored day, first paid day, this file or the relationship vars changed is
    recomputed from its first grid day; one whose grid rows were rewritten since this
    table last wrote from the first such day; every customer from the first product-
    event day (int_product_events_daily: late events, redeliveries, remapped users)
    rewritten since, which replaces whole days (as int_health_usage_daily reads it);
    else from the day after its last stored day. Champion windows restart there:
    activity from {{ var('health_relationship_champion_window_days') }} - 1 days before
    it covers every window ending on a recomputed day (as in int_health_usage_daily).
    Spark: a table. -#}

{%- set champion_window_days = var('health_relationship_champion_window_days') | int %}
{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_relationship_champion_window_days', 'health_relationship_billing_title_keywords',
    'health_relationship_sponsor_title_keywords', 'health_relationship_weights',
    'health_relationship_sponsor_full_days', 'health_relationship_sponsor_zero_days',
]) %}

-- sqlfluff:indentation:template_blocks_indent:false

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

{# The inputs without run stamps, dated: sponsor touches, and before the grid starts
   (landing on its first day) the customer's contacts and the hash of its champion
   users, so a change to either changes the checksum. #}
sparse_deltas as (

    select
        customer_id,
        activity_date as date_day,
        activity_date as sponsor_touch_date,
        0 as contacts_delta,
        cast(0 as decimal(38, 0)) as champion_users_hash
    from sponsor_touches
    union all
    select
        customer_id,
        cast('1900-01-01' as date) as date_day,
        cast(null as date) as sponsor_touch_date,
        1 as contacts_delta,
        cast(0 as decimal(38, 0)) as champion_users_hash
    from customers_with_contacts
    union all
    select
        customer_id,
        cast('1900-01-01' as date) as date_day,
        cast(null as date) as sponsor_touch_date,
        0 as contacts_delta,
        {{ health_row_hash(['user_id']) }} as champion_users_hash
    from champion_users

),

sparse_deltas_by_day as (

    {{ health_deltas_by_day('sparse_deltas', 'first_paid_days', [
        ['max', 'sponsor_touch_date', 'last_sponsor_touch_date'],
        ['sum', 'contacts_delta', 'contacts_delta'],
        ['sum', 'champion_users_hash', 'champion_users_hash'],
    ], checksum=true) }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(
        is_refresh, 'first_paid_days', 'sparse_deltas_by_day', config_hash,
        upstreams=[ref('int_health_customer_days')], global_upstreams=[ref('int_product_events_daily')]
    ) }}

),

{# Champion activity from {{ champion_window_days - 1 }} days before the first recomputed
   day: enough for every window that ends on a recomputed day. #}
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
    inner join refresh_scope
        on events.customer_id = refresh_scope.customer_id
    where
        events.counts_as_activity
        and events.date_day >= cast({{ dbt.dateadd(
            'day', 1 - champion_window_days, 'refresh_scope.recompute_from_date'
        ) }} as date)

),

{# Per customer and day: how many champions' merged coverages start on the day and
   end {{ champion_window_days }} days later. #}
champion_edges_by_day as (

    {{ health_coverage_by_day('champion_active_days', ['customer_id', 'user_id'], champion_window_days) }}

),

champion_deltas as (

    select
        customer_id,
        date_day,
        coverage_starts as active_champions_delta
    from champion_edges_by_day
    where coverage_starts > 0
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', champion_window_days, 'date_day') }} as date) as date_day,
        -1 * coverage_ends as active_champions_delta
    from champion_edges_by_day
    where coverage_ends > 0

),

{# Both kinds of delta by day: the sparse ones (hashed) and the champion coverage edges
   (read from stamped event rows, so not part of the checksum). #}
all_deltas_by_day as (

    select
        customer_id,
        date_day,
        0 as active_champions_delta,
        last_sponsor_touch_date,
        contacts_delta,
        delta_hash
    from sparse_deltas_by_day
    union all
    select
        customer_id,
        date_day,
        active_champions_delta,
        cast(null as date) as last_sponsor_touch_date,
        0 as contacts_delta,
        cast(0 as decimal(38, 0)) as delta_hash
    from champion_deltas

),

deltas_in_scope as (

    {{ health_deltas_in_scope('all_deltas_by_day', 'refresh_scope', [
        ['sum', 'active_champions_delta', 'active_champions_delta'],
        ['max', 'last_sponsor_touch_date', 'last_sponsor_touch_date'],
        ['sum', 'contacts_delta', 'contacts_delta'],
    ]) }}

),

customer_days_in_scope as (

    {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope', []) }}

),

inputs_by_day as (

    {{ health_running_totals('customer_days_in_scope', 'deltas_in_scope', [
        ['sum', 'active_champions_delta', 'active_champions'],
        ['max', 'last_sponsor_touch_date', 'last_sponsor_touch_date'],
        ['sum', 'contacts_delta', 'contacts'],
        ['sum', 'delta_hash', 'deltas_checksum'],
    ]) }}

),

parts as (

    select
        customer_id,
        date_day,
        contacts > 0 as has_contacts,
        cast(active_champions as integer) as active_champions,
        last_sponsor_touch_date,
        cast({{ dbt.datediff('last_sponsor_touch_date', 'date_day', 'day') }} as integer)
            as days_since_sponsor_touch,
        {{ config_hash }} + coalesce(deltas_checksum, 0) as inputs_checksum
    from inputs_by_day

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
        end as relationship_score,
        inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from parts

)

select * from final
