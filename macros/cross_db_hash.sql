{#- A cheap non-cryptographic integer hash of a text expression, for bucketing and
    pre-filtering only (collisions must never change a result: callers re-check the
    real value). dbt.hash() is md5 text, ~10x dearer and 4x wider. -#}
{% macro fast_hash(expression) -%}
    {{ return(adapter.dispatch('fast_hash', 'b2b_loyalty')(expression)) }}
{%- endmacro %}

{% macro default__fast_hash(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro postgres__fast_hash(expression) -%}
    hashtextextended({{ expression }}, 0)
{%- endmacro %}

{% macro spark__fast_hash(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}

{#- The same, over several columns of any type (a row's key): equal tuples give equal
    hashes, NULLs included; for pre-filtering only, like fast_hash, with one exception:
    the incremental health models' inputs_checksum (macros/health_incremental.sql) sums
    these 64-bit hashes to detect changed inputs, where a collision would hide a change
    (about 2^-64 per changed customer). -#}
{% macro fast_hash_columns(columns) -%}
    {{ return(adapter.dispatch('fast_hash_columns', 'b2b_loyalty')(columns)) }}
{%- endmacro %}

{% macro default__fast_hash_columns(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- PostgreSQL: one text of the columns, each NULL-marked and length-prefixed, so no
    two different tuples can give the same text. -#}
{% macro postgres__fast_hash_columns(columns) -%}
    hashtextextended(
        {%- for column in columns %}
        coalesce(length(cast({{ column }} as text)) || ':' || cast({{ column }} as text), '~')
        {{- " || '|' ||" if not loop.last }}
        {%- endfor %},
        0
    )
{%- endmacro %}

{% macro spark__fast_hash_columns(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
