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
