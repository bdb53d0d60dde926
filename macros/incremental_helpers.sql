{#- True on an incremental run whose existing table already has `column_name`. Lets an
    incremental model rebuild every row instead of failing when its table predates the
    column (e.g. the first run after a table became incremental). At lint time (sqlfluff's
    stand-in adapter cannot introspect) it follows is_incremental(), so the incremental
    branch is linted. -#}
{% macro incremental_relation_has_column(column_name) -%}
    {%- if not is_incremental() -%}
        {{ return(false) }}
    {%- elif adapter.get_columns_in_relation is not defined -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{ return(column_name | lower in names) }}
{%- endmacro %}

{#- The key base_segment__tracks' incremental refresh replaces rows by: the event id,
    or for a row without one its raw received_at text (such rows are null_key rejects;
    the key keeps each of them in exactly one batch). Arguments are SQL expressions of
    the cleaned id and the cleaned raw received_at text. -#}
{% macro segment_tracks_dedup_key(event_id, raw_received_at) -%}
    coalesce({{ event_id }}, '(no id) received_at=' || coalesce({{ raw_received_at }}, '(none)'))
{%- endmacro %}

{#- base_segment__tracks' incremental refresh: the ISO day (text, YYYY-MM-DD) before which
    a raw received_at is certainly older than the batch cutoff, i.e. the latest processed
    arrival (not after as_of_date + 1 day) minus var events_incremental_lookback_days
    minus one day. Queried from the model's table when the model runs, so the skip is a
    literal the engine can apply while scanning; None when the table is empty (or at
    parse time). The model's SQL keeps the same rule, so this only makes it cheaper. -#}
{% macro segment_tracks_arrival_floor() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select
            cast(cast({{ dbt.dateadd(
                'day', -1 - var('events_incremental_lookback_days') | int, 'max(received_at)'
            ) }} as date) as {{ dbt.type_string() }}) as floor_day
        from {{ this }}
        where received_at <= {{ dbt.dateadd('day', 1, as_of_date()) }}
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{#- The start of this dbt run (run_started_at, UTC) as a timestamp literal: the loaded_at
    stamp of rows an incremental model writes. Falls back to the epoch where dbt's
    context is absent (sqlfluff's templater). -#}
{% macro run_started_at_timestamp() -%}
    {%- set started = run_started_at if run_started_at is defined else none -%}
    cast('{{ started.strftime("%Y-%m-%d %H:%M:%S.%f") if started else "1970-01-01 00:00:00" }}' as timestamp)
{%- endmacro %}
