{#- Apache Spark (4.x, dbt-spark) implementations of the portable helpers in
    cross_db.sql and stripe_helpers.sql. Spark has try_cast, and dbt-spark runs with
    spark.sql.ansi.enabled=false, so casts are null-safe already; the session time
    zone is UTC (profiles.yml), so a timestamp with an offset is converted to UTC
    and a naive one is read as UTC. Regular expressions are Java's, written as raw
    literals r'...' so backslashes reach the regex engine unchanged. -#}

{% macro spark__try_cast_as(expression, data_type) -%}
    {%- set type_name = data_type | lower | replace(' ', '') -%}
    {%- if type_name.startswith('varchar') or type_name == 'text' -%}
        {%- set data_type = 'string' -%}
    {%- endif -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__to_utc_timestamp(expression) -%}
    try_cast(trim(cast({{ expression }} as string)) as timestamp)
{%- endmacro %}

{#- Spark's boolean cast accepts the same words as DuckDB's (t/true/y/yes/1, f/false/n/no/0). -#}
{% macro spark__to_boolean(expression) -%}
    try_cast(lower(trim(cast({{ expression }} as string))) as boolean)
{%- endmacro %}

{#- Strict JSON validation by reduction, as postgres_json_valid (cross_db_postgres.sql)
    explains: Spark's JSON functions are lenient (single quotes, unquoted names), so
    they only ever see text this has accepted. -#}
{% macro spark_json_valid(json_text) -%}
    {%- set string = '"(?:[^"\\\\\\p{Cntrl}]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"' -%}
    {%- set scalar = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null' -%}
    {%- set container = '\\{(?:\\x01:[\\x01\\x02](?:,\\x01:[\\x01\\x02])*)?\\}|\\[(?:[\\x01\\x02](?:,[\\x01\\x02])*)?\\]' -%}
    {%- set reduced = namespace(sql="regexp_replace(regexp_replace(regexp_replace(" ~ json_text ~ ", r'"
        ~ string ~ "', chr(1)), r'" ~ scalar ~ "', chr(2)), r'[ \\t\\n\\r]+', '')") -%}
    {%- for _ in range(json_max_nesting_depth()) -%}
        {%- set reduced.sql = "regexp_replace(" ~ reduced.sql ~ ", r'" ~ container ~ "', chr(2))" -%}
    {%- endfor -%}
    (
        instr({{ json_text }}, chr(1)) = 0
        and instr({{ json_text }}, chr(2)) = 0
        and {{ reduced.sql }} in (chr(1), chr(2))
    )
{%- endmacro %}

{% macro spark__json_text_or_null(json_text) -%}
    case when {{ spark_json_valid(json_text) }} then {{ json_text }} end
{%- endmacro %}

{% macro spark__json_get_text(json_text, key) -%}
    case
        when {{ spark_json_valid(json_text) }} and json_object_keys({{ json_text }}) is not null
            then get_json_object({{ json_text }}, '$.{{ key }}')
    end
{%- endmacro %}

{% macro spark__json_has_key(json_text, key) -%}
    case
        when {{ spark_json_valid(json_text) }}
            then coalesce(array_contains(json_object_keys({{ json_text }}), '{{ key }}'), false)
    end
{%- endmacro %}

{% macro spark__json_text_kind(json_text) -%}
    case
        when {{ json_text }} is null then 'missing'
        when trim({{ json_text }}) = '' then 'empty'
        when not {{ spark_json_valid(json_text) }} then 'invalid_json'
        when json_object_keys({{ json_text }}) is null then 'not_object'
        else 'object'
    end
{%- endmacro %}

{#- DuckDB rounds a double as round_half_away(x * 10^places) / 10^places, the product
    taken in double arithmetic (69.225 -> 6922.499999999999 -> 69.22). Spark's
    round(double, places) rounds the double's decimal text instead (69.225 -> 69.23),
    so the same here: the double product rounded to a whole number (half away from
    zero, exact on the product's text), then a double division. -#}
{% macro spark__round_double(expression, places) -%}
    (round(cast({{ expression }} as double) * {{ 10 ** (places | int) }}, 0) / {{ 10 ** (places | int) }})
{%- endmacro %}
