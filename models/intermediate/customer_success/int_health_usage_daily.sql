{#- Product usage per customer and day of the health grid, over trailing windows
    that end on the day (inclusive): the inputs of the adoption and engagement
    components and of cs expansion signals.

    * active_users_30d: distinct users with an activity event (catalogue
      counts_as_activity) in the 30 days ending on the day.
    * key_features_used_30d: distinct key-feature events (catalogue
      is_key_feature, by event_name) used in those 30 days.
    * active_user_days_30d: user-days with activity in those 30 days (DAU/MAU =
      active_user_days_30d / (30 * active_users_30d)).
    * last_activity_date: the customer's latest activity day on or before the day
      (trial usage before the first paid day included).
    * has_product_users: the customer has at least one product user mapped to it
      (int_segment_users_mapped), whatever the day; without one, usage cannot be
      measured and the usage components are null rather than 0.
    Windows are computed as coverage edges (+1 / -1 deltas, macro
    health_coverage_by_day, summed per customer and day), then cumulatively over the
    grid: no join of events to days.

    Incremental (docs/architecture.md, "Incremental refresh"; delete+insert on
    customer_id + date_day). A day's values depend only on the events up to that day
    and on whether the customer has mapped users, not on the grid's start, so a run
    recomputes each customer's grid days from recompute_from_date on:
    * the earliest day int_product_events_daily replaced since this table last read it
      (its loaded_at after events_loaded_through): late events, redeliveries,
      remapped users and recatalogued events all replace whole days there;
    * otherwise the day after this table's last day (as_of_date moved on);
    * the customer's whole grid when it is new here, its grid now starts earlier
      (a billing restatement moved its first paid day back) or has_product_users
      changed.
    Windows restart at recompute_from_date: events from 29 days before it are
    enough for the 30-day counts, and the latest activity before those comes from one
    aggregate. Rows off the grid (first paid day moved later, customer gone) are
    deleted after the insert (post-hook, health_delete_rows_off_grid). On Spark (no
    delete+insert) it stays a table. Rows carry loaded_at, the run's start: the adoption
    and engagement components recompute the days whose usage rows a run rewrote. Full
    build at 10k customers, run alone: 30.5-34.4 s
    (67.8-70.1 s before the per-day sums of stop 18; docs/architecture.md). -#}

{%- set is_refresh = incremental_relation_has_column('events_loaded_through') %}
{%- set window_days = 30 %}

{#- The events table (30M rows at 10k customers) is read directly by each CTE that
    needs it: DuckDB materialises a CTE that is read more than once. -#}
{%- set events = ref('int_product_events_daily') %}

-- sqlfluff:indentation:template_blocks_indent:false

with

mapped_users as (

    select distinct customer_id
    from {{ ref('int_segment_users_mapped') }}
    where customer_id is not null

),

{% if is_refresh %}

grid_starts as (

    select
        customer_id,
        min(date_day) as grid_start_date
    from {{ ref('int_health_customer_days') }}
    group by 1

),

processed_customers as (

    select
        customer_id,
        min(date_day) as first_date,
        max(date_day) as last_date,
        max(case when has_product_users then 1 else 0 end) = 1 as has_product_users
    from {{ this }}
    group by 1

),

{# NULL loaded_at: rows written before the column existed, read long ago; a table
   without a watermark takes every dated row as changed. #}
changed_event_days as (

    select min(events.date_day) as first_changed_date
    from {{ events }} as events
    where
        events.loaded_at > (
            select coalesce(max(processed.events_loaded_through), cast('1900-01-01' as timestamp)) as watermark
            from {{ this }} as processed
        )

),

recompute_scope as (

    select
        grid_starts.customer_id,
        case
            when
                processed_customers.customer_id is null
                or grid_starts.grid_start_date < processed_customers.first_date
                or (mapped_users.customer_id is not null) != processed_customers.has_product_users
                then grid_starts.grid_start_date
            else
                least(
                    coalesce(
                        changed_event_days.first_changed_date,
                        cast({{ dbt.dateadd('day', 1, 'processed_customers.last_date') }} as date)
                    ),
                    cast({{ dbt.dateadd('day', 1, 'processed_customers.last_date') }} as date)
                )
        end as recompute_from_date
    from grid_starts
    left join processed_customers
        on grid_starts.customer_id = processed_customers.customer_id
    left join mapped_users
        on grid_starts.customer_id = mapped_users.customer_id
    cross join changed_event_days

),

customer_days as (

    select
        grid.customer_id,
        grid.date_day,
        grid.first_paid_date,
        recompute_scope.recompute_from_date
    from {{ ref('int_health_customer_days') }} as grid
    inner join recompute_scope
        on grid.customer_id = recompute_scope.customer_id
    where grid.date_day >= recompute_scope.recompute_from_date

),

{# Activity from {{ window_days - 1 }} days before the first recomputed day: enough for
   every window that ends on a recomputed day. #}
activity_events as (

    select
        events.customer_id,
        events.user_id,
        events.date_day,
        events.event_name,
        events.is_key_feature
    from {{ events }} as events
    inner join recompute_scope
        on events.customer_id = recompute_scope.customer_id
    where
        events.counts_as_activity
        and events.date_day >= cast({{ dbt.dateadd(
            'day', 1 - window_days, 'recompute_scope.recompute_from_date'
        ) }} as date)

),

{% else %}

customer_days as (

    select
        customer_id,
        date_day,
        first_paid_date,
        first_paid_date as recompute_from_date
    from {{ ref('int_health_customer_days') }}

),

activity_events as (

    select
        customer_id,
        user_id,
        date_day,
        event_name,
        is_key_feature
    from {{ events }}
    where counts_as_activity

),

{% endif %}

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date,
        recompute_from_date
    from customer_days

),

user_active_days as (

    select distinct
        customer_id,
        user_id,
        date_day
    from activity_events

),

key_feature_days as (

    select distinct
        customer_id,
        event_name,
        date_day
    from activity_events
    where is_key_feature

),

{# Per customer and day: the active users, and how many users' merged
   {{ window_days }}-day coverages start on the day and end {{ window_days }} days later. #}
active_users_by_day as (

    {{ health_coverage_by_day('user_active_days', ['customer_id', 'user_id'], window_days) }}

),

key_features_by_day as (

    {{ health_coverage_by_day('key_feature_days', ['customer_id', 'event_name'], window_days) }}

),

{# Every change, dated; changes before the first recomputed day (the first paid day
   on a full build) land on it. A user-day counts +1 active user-day on its day and
   -1 {{ window_days }} days later. #}
deltas as (

    select
        customer_id,
        date_day,
        coverage_starts as active_users_delta,
        0 as key_features_delta,
        active_keys as active_user_days_delta,
        date_day as activity_date
    from active_users_by_day
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', window_days, 'date_day') }} as date) as date_day,
        -1 * coverage_ends as active_users_delta,
        0 as key_features_delta,
        -1 * active_keys as active_user_days_delta,
        cast(null as date) as activity_date
    from active_users_by_day
    union all
    select
        customer_id,
        date_day,
        0 as active_users_delta,
        coverage_starts as key_features_delta,
        0 as active_user_days_delta,
        cast(null as date) as activity_date
    from key_features_by_day
    where coverage_starts > 0
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', window_days, 'date_day') }} as date) as date_day,
        0 as active_users_delta,
        -1 * coverage_ends as key_features_delta,
        0 as active_user_days_delta,
        cast(null as date) as activity_date
    from key_features_by_day
    where coverage_ends > 0
    {%- if is_refresh %}
    {# The latest activity before the events read above. #}
    union all
    select
        events.customer_id,
        max(events.date_day) as date_day,
        0 as active_users_delta,
        0 as key_features_delta,
        0 as active_user_days_delta,
        max(events.date_day) as activity_date
    from {{ events }} as events
    inner join recompute_scope
        on events.customer_id = recompute_scope.customer_id
    where
        events.counts_as_activity
        and events.date_day < cast({{ dbt.dateadd(
            'day', 1 - window_days, 'recompute_scope.recompute_from_date'
        ) }} as date)
    group by 1
    {%- endif %}

),

deltas_by_day as (

    select
        deltas.customer_id,
        greatest(deltas.date_day, first_paid_days.first_paid_date, first_paid_days.recompute_from_date) as date_day,
        sum(deltas.active_users_delta) as active_users_delta,
        sum(deltas.key_features_delta) as key_features_delta,
        sum(deltas.active_user_days_delta) as active_user_days_delta,
        max(deltas.activity_date) as last_activity_date
    from deltas
    inner join first_paid_days
        on deltas.customer_id = first_paid_days.customer_id
    group by 1, 2

),

usage_by_day as (

    {#- Usage changes on most days: the window over the grid is the cheaper form here
        (10k, full build alone: 43-50 s, against 51-53 s with the sparse form). #}
    {{ health_running_totals('customer_days', 'deltas_by_day', [
        ['sum', 'active_users_delta', 'active_users_30d'],
        ['sum', 'key_features_delta', 'key_features_used_30d'],
        ['sum', 'active_user_days_delta', 'active_user_days_30d'],
        ['max', 'last_activity_date', 'last_activity_date'],
    ], sparse_deltas=false) }}

),

final as (

    select
        usage_by_day.customer_id,
        usage_by_day.date_day,
        mapped_users.customer_id is not null as has_product_users,
        cast(usage_by_day.active_users_30d as integer) as active_users_30d,
        cast(usage_by_day.key_features_used_30d as integer) as key_features_used_30d,
        cast(usage_by_day.active_user_days_30d as integer) as active_user_days_30d,
        usage_by_day.last_activity_date,
        cast({{ dbt.datediff('usage_by_day.last_activity_date', 'usage_by_day.date_day', 'day') }} as integer)
            as days_since_last_activity,
        (select max(events.loaded_at) as max_loaded_at from {{ events }} as events) as events_loaded_through,
        {{ run_started_at_timestamp() }} as loaded_at
    from usage_by_day
    left join mapped_users
        on usage_by_day.customer_id = mapped_users.customer_id

)

select * from final
