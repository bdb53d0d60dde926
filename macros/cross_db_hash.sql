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
