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
      first) so the wide table is never joined row by row.
    * last_received_at is the latest arrival among the group's events; loaded_at
      (the start of the dbt run that wrote the row, NULL on rows older than the
      column) is the watermark of the incremental refresh below and tells readers
      which days a run replaced (int_health_usage_daily's incremental refresh).

    Incremental refresh (docs/architecture.md, "Incremental refresh"):
    * Strategy delete+insert keyed on date_day: a run recomputes whole UTC days
      from staging and replaces exactly those days. Whole days, not single
      (user, day, event) groups, because a day is the unit a late event, a
      redelivery (dedup: the latest received_at wins, possibly stamped on another
      day) or a rejection can change; a day is small (customers x users x event
      names), and re-counting it from the valid rows keeps dedup and rejects
      exactly as a full build has them. merge would need a row key and cannot
      remove groups that vanished; append cannot correct anything; microbatch
      selects input by event time, so an event stamped on an old day but received
      today would be missed. On Spark (no delete+insert) the same day replacement
      is insert_overwrite of date_day partitions (config: dbt_project.yml).
    * Affected days = days of every base_segment__tracks row (valid or rejected)
      written after this table was last written (base loaded_at > this table's
      greatest loaded_at). base_segment__tracks rewrites every raw row of each
      event id received within its lookback window (var
      events_incremental_lookback_days, on arrival, not event time), so a late
      event lands on its own day and a redelivered event's previous day is
      re-counted too; a run of this model that failed or was not selected leaves
      its rows to the next run. Plus: days after the latest processed day
      (as_of_date moved on), every day of a user whose customer mapping changed
      (int_segment_users_mapped moves a user's whole history) and every day
      holding an event whose catalogue attributes changed.
      (Until stop 16 the model found the recent event ids itself from
      received_at: four scans of the 57M-row base table, 12.8 s at 10k.)
    * The affected-day lookup needs the rejected duplicates, so the model reads
      base_segment__tracks (every raw row with its verdict); valid events are its
      rows with reject_reason null, i.e. exactly stg_segment__tracks.
    * On Spark base_segment__tracks is a table rebuilt by every run, so every row
      is new and every day is re-counted (correct, not incremental there).
    * --full-refresh (or a table without loaded_at, e.g. the first run after the
      table materialisation) rebuilds every day; rows with a null loaded_at
      count as never written. Moving as_of_date
      backwards needs --full-refresh (days after it are not deleted; the data test
      on date_day fails until then), as does a day that loses every row on
      recompute (all its events rejected or moved away), which keeps its old rows. -#}

{%- set is_refresh = incremental_relation_has_column('loaded_at') %}

{#- The tracks table (57M rows at 10k customers) and this model's own table are read
    directly by each CTE that needs them, never through a CTE read several times: DuckDB
    materialises those whole (an incremental run at 10k spent 41 s copying tracks, and
    9 s of CPU copying the 30M existing rows). -#}
{%- set tracks = ref('base_segment__tracks') %}
{%- set valid_event -%}
tracks.reject_reason is null
        and tracks.user_id is not null
        and cast(tracks.event_at as date) <= {{ as_of_date() }}
{%- endset %}

-- sqlfluff:indentation:template_blocks_indent:false

with

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

{% if is_refresh %}

watermarks as (

    select
        max(processed.date_day) as max_date_day,
        coalesce(
            max(processed.loaded_at), cast('1900-01-01 00:00:00' as timestamp)
        ) as max_loaded_at
    from {{ this }} as processed

),

{# Days of every base row (valid or rejected) written since this table was last
   written: base_segment__tracks rewrites all rows of every event id received in
   its lookback window, so a late event's day and both days of a redelivery are
   here. New rows sit at the end of the base table, so the loaded_at filter skips
   the old row groups unread. #}
received_days as (

    select distinct cast(tracks.event_at as date) as date_day
    from {{ tracks }} as tracks
    cross join watermarks
    where
        tracks.loaded_at > watermarks.max_loaded_at
        and tracks.event_at is not null

),

processed_users as (

    select distinct
        processed.user_id,
        processed.customer_id
    from {{ this }} as processed

),

{# Users moved to another customer, unmapped, or mapped for the first time. #}
remapped_users as (

    select coalesce(processed_users.user_id, users.user_id) as user_id
    from processed_users
    full outer join users
        on processed_users.user_id = users.user_id
    where processed_users.customer_id is distinct from users.customer_id

),

remapped_days as (

    select processed.date_day
    from {{ this }} as processed
    inner join remapped_users
        on processed.user_id = remapped_users.user_id
    union
    select cast(tracks.event_at as date) as date_day
    from {{ tracks }} as tracks
    inner join remapped_users
        on tracks.user_id = remapped_users.user_id
    where {{ valid_event }}

),

processed_event_attributes as (

    select distinct
        processed.event_name,
        processed.feature,
        processed.is_key_feature,
        processed.is_onboarding_milestone,
        processed.onboarding_milestone,
        processed.counts_as_activity
    from {{ this }} as processed

),

recatalogued_event_names as (

    select processed_event_attributes.event_name
    from processed_event_attributes
    left join catalogue
        on processed_event_attributes.event_name = catalogue.event_name
    where
        processed_event_attributes.feature is distinct from catalogue.feature
        or processed_event_attributes.is_key_feature is distinct from coalesce(catalogue.is_key_feature, false)
        or processed_event_attributes.is_onboarding_milestone
        is distinct from coalesce(catalogue.is_onboarding_milestone, false)
        or processed_event_attributes.onboarding_milestone is distinct from catalogue.onboarding_milestone
        or processed_event_attributes.counts_as_activity is distinct from coalesce(catalogue.counts_as_activity, false)

),

recatalogued_days as (

    select distinct processed.date_day
    from {{ this }} as processed
    inner join recatalogued_event_names
        on processed.event_name = recatalogued_event_names.event_name

),

affected_days as (

    select date_day from received_days
    union
    select date_day from remapped_days
    union
    select date_day from recatalogued_days

),

{# The affected days, plus every day after the latest processed day (as_of_date
   moved on): those days hold no rows yet, so no separate lookup of them is needed. #}
events_in_scope as (

    select
        tracks.user_id,
        tracks.event_name,
        tracks.received_at,
        cast(tracks.event_at as date) as date_day
    from {{ tracks }} as tracks
    cross join watermarks
    left join affected_days
        on cast(tracks.event_at as date) = affected_days.date_day
    where
        {{ valid_event }}
        and (
            affected_days.date_day is not null
            or watermarks.max_date_day is null
            or cast(tracks.event_at as date) > watermarks.max_date_day
        )

),

{% else %}

events_in_scope as (

    select
        tracks.user_id,
        tracks.event_name,
        tracks.received_at,
        cast(tracks.event_at as date) as date_day
    from {{ tracks }} as tracks
    where {{ valid_event }}

),

{% endif %}

events_per_user_day as (

    select
        user_id,
        date_day,
        event_name,
        count(*) as event_count,
        max(received_at) as last_received_at
    from events_in_scope
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
        coalesce(catalogue.counts_as_activity, false) as counts_as_activity,
        events_per_user_day.last_received_at,
        {{ run_started_at_timestamp() }} as loaded_at
    from events_per_user_day
    inner join users
        on events_per_user_day.user_id = users.user_id
    left join catalogue
        on events_per_user_day.event_name = catalogue.event_name

)

select * from final
