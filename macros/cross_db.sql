{#- Portable helpers. Models call these, never adapter-specific SQL directly.
    Each dispatches on the adapter; the default implementation is DuckDB's. -#}

{#- A cast that yields null instead of failing on bad input. dbt's safe_cast is a
    plain cast on DuckDB, so we dispatch our own. -#}
{% macro try_cast_as(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_as', 'b2b_loyalty')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_as(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#- ISO-8601 text (any UTC offset, or naive = UTC) or a timestamp -> naive UTC
    timestamp; null when unparseable. Session time zone is UTC (profiles.yml). -#}
{% macro to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'b2b_loyalty')(expression)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(expression) -%}
    {%- set text = 'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {#- Fast path: 'YYYY-MM-DD hh:mm:ss' (or with T) has no room for an offset, so it is
        naive = UTC and a plain timestamp cast reads it (4x cheaper than timestamptz,
        which DuckDB parses through ICU). Anything else takes the offset-aware path. -#}
    case
        when {{ text }} like '____-__-__ __:__:__' or {{ text }} like '____-__-__T__:__:__'
            then try_cast({{ text }} as timestamp)
        else cast(timezone('UTC', try_cast({{ text }} as timestamptz)) as timestamp)
    end
{%- endmacro %}

{#- Text 'true'/'false' (any case, also 1/0, t/f, yes/no) or boolean -> boolean. -#}
{% macro to_boolean(expression) -%}
    {{ return(adapter.dispatch('to_boolean', 'b2b_loyalty')(expression)) }}
{%- endmacro %}

{% macro default__to_boolean(expression) -%}
    try_cast(lower(trim(cast({{ expression }} as {{ dbt.type_string() }}))) as boolean)
{%- endmacro %}

{#- The value at a top-level key of a JSON object held as text; null when the text
    is not valid JSON, not an object, or lacks the key. -#}
{% macro json_get_text(json_text, key) -%}
    {{ return(adapter.dispatch('json_get_text', 'b2b_loyalty')(json_text, key)) }}
{%- endmacro %}

{% macro default__json_get_text(json_text, key) -%}
    case
        when json_valid({{ json_text }}) and json_type(cast({{ json_text }} as json)) = 'OBJECT'
            then json_extract_string(cast({{ json_text }} as json), '$.{{ key }}')
    end
{%- endmacro %}

{#- Classifies JSON text: missing, empty, invalid_json, not_object or object. -#}
{% macro json_text_kind(json_text) -%}
    {{ return(adapter.dispatch('json_text_kind', 'b2b_loyalty')(json_text)) }}
{%- endmacro %}

{% macro default__json_text_kind(json_text) -%}
    case
        when {{ json_text }} is null then 'missing'
        when trim({{ json_text }}) = '' then 'empty'
        when not json_valid({{ json_text }}) then 'invalid_json'
        when json_type(cast({{ json_text }} as json)) <> 'OBJECT' then 'not_object'
        else 'object'
    end
{%- endmacro %}

{#- The 8-byte floating-point type: double on DuckDB and Spark, double precision on
    PostgreSQL (which has no type called double). Models write
    cast(x as {{ type_double() }}); text is dbt.type_string(). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'b2b_loyalty')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{#- A double rounded to `places` decimals (a number type the caller casts on).
    PostgreSQL has round(numeric, int) only; it rounds the double's shortest exact
    text form, which is what DuckDB and Spark round too. -#}
{% macro round_double(expression, places) -%}
    {{ return(adapter.dispatch('round_double', 'b2b_loyalty')(expression, places)) }}
{%- endmacro %}

{% macro default__round_double(expression, places) -%}
    round(cast({{ expression }} as {{ type_double() }}), {{ places }})
{%- endmacro %}

{#- How deeply nested a JSON document PostgreSQL and Spark accept as valid (their
    validators reduce one level per pass, see postgres_json_valid); deeper documents
    count as invalid JSON there. DuckDB has no limit. -#}
{% macro json_max_nesting_depth() -%}
    {{ return(8) }}
{%- endmacro %}
