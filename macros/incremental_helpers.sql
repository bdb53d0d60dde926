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
