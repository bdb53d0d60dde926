{#- Helpers for the Stripe staging models (any source may use them). Portable:
    standard SQL, or dispatched with the DuckDB implementation as the default. -#}

{#- Fivetran's end of an open history-mode version, 9999-12-31 23:59:59. -#}
{% macro fivetran_open_end() -%}
    cast('9999-12-31 23:59:59' as timestamp)
{%- endmacro %}

{#- Text or number -> integer type when it is a whole number that fits ('3', ' 3 ',
    '3.0'), null otherwise ('2.5', 'abc', ''). A plain try_cast to an integer
    would round 2.5 to 3. -#}
{% macro try_cast_whole_number(expression, data_type='bigint') -%}
    {%- set as_decimal = try_cast_as(clean_text(expression), 'decimal(38, 6)') -%}
    case
        when {{ as_decimal }} = floor({{ as_decimal }}) then {{ try_cast_as(as_decimal, data_type) }}
    end
{%- endmacro %}

{#- Enumeration text -> lower-case snake (' Past Due ' -> 'past_due'); '' -> null. -#}
{% macro to_enum(expression) -%}
    replace(replace(lower({{ clean_text(expression) }}), ' ', '_'), '-', '_')
{%- endmacro %}

{#- A SQL list of string literals from a list of values: ('USD', 'EUR'). -#}
{% macro sql_string_list(values) -%}
    ({% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- True when the (normalised) currency code is in var supported_currencies,
    false when it is not or is null. -#}
{% macro is_supported_currency(currency_expression) -%}
    coalesce({{ currency_expression }} in {{ sql_string_list(var('supported_currencies')) }}, false)
{%- endmacro %}

{#- The text when it is valid JSON, else null. Feed this (not raw text) to
    json_get_text / json_has_key when several JSON macros read one column in one
    select: DuckDB hoists the common `cast(text as json)` out of their guarding
    CASE, and an invalid text then fails the whole query. -#}
{% macro json_text_or_null(json_text) -%}
    {{ return(adapter.dispatch('json_text_or_null', 'b2b_loyalty')(json_text)) }}
{%- endmacro %}

{% macro default__json_text_or_null(json_text) -%}
    case when json_valid({{ json_text }}) then {{ json_text }} end
{%- endmacro %}

{#- True when JSON text is an object holding the top-level key (whatever its value,
    JSON null included); false for other valid JSON; null when the text is not JSON. -#}
{% macro json_has_key(json_text, key) -%}
    {{ return(adapter.dispatch('json_has_key', 'b2b_loyalty')(json_text, key)) }}
{%- endmacro %}

{% macro default__json_has_key(json_text, key) -%}
    case
        when json_valid({{ json_text }}) and json_type(cast({{ json_text }} as json)) = 'OBJECT'
            then json_exists(cast({{ json_text }} as json), '$.{{ key }}')
        when json_valid({{ json_text }}) then false
    end
{%- endmacro %}
