{#- PostgreSQL (15+) implementations of the portable helpers in cross_db.sql and
    stripe_helpers.sql. PostgreSQL has no try_cast (pg_input_is_valid arrives in 16):
    every safe cast is a regular-expression guard in a CASE, and the cast runs only
    on text the guard accepted, so a bad value yields null instead of failing the
    query. CASE is the one construct PostgreSQL promises to evaluate in order.

    Accepted text (the ISO forms the source contract uses, as DuckDB accepts them):
    * numbers: [+-]digits[.digits][e[+-]NN] (exponent at most two digits);
      DuckDB's extra forms ('0x10', '1_000') are not accepted (null).
    * dates: YYYY-M-D, optionally followed by a time (the date part is taken).
    * timestamps: YYYY-M-D[(T| )H:MM[:SS[.fff]]][Z|+HH[:MM]]; with an offset it is
      converted to UTC, without one it is UTC already (SOURCES.md).
    * JSON: valid JSON nested at most json_max_nesting_depth() levels deep; deeper
      documents count as invalid (see postgres_json_valid). -#}

{#- An ISO date or timestamp with every field in range (month 1-12, day 1-31, hour 0-23,
    minute and second 0-59, offset within +-15:59, PostgreSQL's limit). Plain `~`
    matches only: PostgreSQL extracts capture groups slowly (about 0.5 ms a value). -#}
{% macro postgres_iso_timestamp_regex() -%}
    '^\s*[0-9]{4}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,9})?)?)?\s*([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?\s*$'
{%- endmacro %}

{#- The text (already matching the pattern above) ends with a UTC offset after its time. -#}
{% macro postgres_iso_offset_regex() -%}
    ':[0-5][0-9]([.][0-9]+)?\s*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)\s*$'
{%- endmacro %}

{#- True when trimmed text matching the pattern above names a real calendar day (year
    >= 1, day within its month, leap years); integer arithmetic on split_part pieces
    only, so it cannot fail. -#}
{% macro postgres_iso_day_valid(text) -%}
    {%- set date_text = "split_part(split_part(" ~ text ~ ", 'T', 1), ' ', 1)" -%}
    {%- set year = "cast(split_part(" ~ date_text ~ ", '-', 1) as integer)" -%}
    {%- set month = "cast(split_part(" ~ date_text ~ ", '-', 2) as integer)" -%}
    {%- set day = "cast(split_part(" ~ date_text ~ ", '-', 3) as integer)" -%}
    (
        {{ year }} >= 1
        and {{ day }} <= case
            when {{ month }} = 2
                then case
                    when mod({{ year }}, 400) = 0 then 29
                    when mod({{ year }}, 100) = 0 then 28
                    when mod({{ year }}, 4) = 0 then 29
                    else 28
                end
            when {{ month }} in (4, 6, 9, 11) then 30
            else 31
        end
    )
{%- endmacro %}

{#- A number's text: sign, digits, optional fraction and a one- or two-digit exponent. -#}
{% macro postgres_number_regex() -%}
    '^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?\s*$'
{%- endmacro %}

{% macro postgres__try_cast_as(expression, data_type) -%}
    {%- set type_name = data_type | lower | replace(' ', '') -%}
    {%- set text = 'cast(' ~ expression ~ ' as text)' -%}
    {%- if type_name.startswith('decimal') or type_name.startswith('numeric') -%}
        {#- decimal(p, s): at most p - s digits before the point, else null (DuckDB too).
            The outer cast keeps the type's scale on the column (a CASE with an implicit
            null branch drops it, and unit tests then compare 12.5 with 12.500000). -#}
        {%- set scale_args = type_name.split('(')[1].rstrip(')').split(',') if '(' in type_name else ['18', '3'] -%}
        {%- set integer_digits = (scale_args[0] | int) - ((scale_args[1] if scale_args | length > 1 else '0') | int) -%}
        cast(
            case
                when {{ text }} ~ {{ postgres_number_regex() }}
                    then case
                        when abs(cast({{ text }} as double precision)) < 1e{{ integer_digits }}
                            then cast({{ text }} as numeric)
                    end
            end
            as {{ data_type }}
        )
    {%- elif type_name in ('integer', 'int', 'int4', 'bigint', 'int8', 'smallint', 'int2') -%}
        {%- set bound = {'smallint': 32767, 'int2': 32767, 'bigint': 9223372036854775807,
                         'int8': 9223372036854775807}.get(type_name, 2147483647) -%}
        {#- DuckDB rounds a fraction to the nearest whole number (half away from zero) -#}
        case
            when {{ text }} ~ {{ postgres_number_regex() }}
                then case
                    when abs(round(cast({{ text }} as numeric))) <= {{ bound }}
                        then cast(round(cast({{ text }} as numeric)) as {{ data_type }})
                end
        end
    {%- elif type_name in ('double', 'doubleprecision', 'float', 'float8', 'real', 'float4') -%}
        case
            when {{ text }} ~ {{ postgres_number_regex() }}
                then cast({{ text }} as {{ 'real' if type_name in ('real', 'float4') else 'double precision' }})
        end
    {%- elif type_name == 'date' -%}
        (
            select
                case
                    when not iso.value ~ {{ postgres_iso_timestamp_regex() }} then null
                    when {{ postgres_iso_day_valid('iso.value') }}
                        then cast(split_part(split_part(iso.value, 'T', 1), ' ', 1) as date)
                end
            from (select trim({{ text }}) as value) as iso
        )
    {%- elif type_name.startswith('timestamp') -%}
        {{ postgres__to_utc_timestamp(expression) }}
    {%- elif type_name in ('boolean', 'bool') -%}
        {{ postgres__to_boolean(expression) }}
    {%- else -%}
        cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- A scalar subquery, so the input expression is evaluated once. -#}
{% macro postgres__to_utc_timestamp(expression) -%}
    (
        select
            case
                when not iso.value ~ {{ postgres_iso_timestamp_regex() }} then null
                when not {{ postgres_iso_day_valid('iso.value') }} then null
                when iso.value ~ {{ postgres_iso_offset_regex() }}
                    then cast(iso.value as timestamp with time zone) at time zone 'UTC'
                else cast(iso.value as timestamp)
            end
        from (select trim(cast({{ expression }} as text)) as value) as iso
    )
{%- endmacro %}

{#- The same words DuckDB's boolean cast accepts (after trim/lower). -#}
{% macro postgres__to_boolean(expression) -%}
    case
        when lower(trim(cast({{ expression }} as text))) in ('true', 't', '1', 'yes', 'y') then true
        when lower(trim(cast({{ expression }} as text))) in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}

{#- JSON validation without a parser that can fail, by reduction: every string becomes
    chr(1) and every number/true/false/null chr(2) (control characters cannot occur
    unescaped in valid JSON), whitespace goes, then each pass turns the innermost
    objects and arrays made only of such tokens into chr(2). The text is valid JSON
    when one token is left. Each step is one linear regexp_replace; the number of
    passes bounds the nesting depth (deeper documents count as invalid, never fail).
    Stricter than jsonb in two corners, so validation never lets a cast fail:
    \u0000 and surrogate escapes count as invalid. -#}
{% macro postgres_json_valid(json_text) -%}
    {%- set string = '"(?:[^"\\\\[:cntrl:]]|\\\\(?:["\\\\/bfnrt]|u(?!0000)(?![dD][89a-fA-F])[0-9a-fA-F]{4}))*"' -%}
    {%- set scalar = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null' -%}
    {%- set container = '\\{(?:\\x01:[\\x01\\x02](?:,\\x01:[\\x01\\x02])*)?\\}|\\[(?:[\\x01\\x02](?:,[\\x01\\x02])*)?\\]' -%}
    {%- set reduced = namespace(sql="regexp_replace(regexp_replace(regexp_replace(" ~ json_text ~ ", '"
        ~ string ~ "', chr(1), 'g'), '" ~ scalar ~ "', chr(2), 'g'), '[ \\t\\n\\r]+', '', 'g')") -%}
    {%- for _ in range(json_max_nesting_depth()) -%}
        {%- set reduced.sql = "regexp_replace(" ~ reduced.sql ~ ", '" ~ container ~ "', chr(2), 'g')" -%}
    {%- endfor -%}
    (
        strpos({{ json_text }}, chr(1)) = 0
        and strpos({{ json_text }}, chr(2)) = 0
        and {{ reduced.sql }} in (chr(1), chr(2))
    )
{%- endmacro %}

{% macro postgres__json_text_or_null(json_text) -%}
    case when {{ postgres_json_valid(json_text) }} then {{ json_text }} end
{%- endmacro %}

{% macro postgres__json_get_text(json_text, key) -%}
    case
        when {{ postgres_json_valid(json_text) }}
            then case
                when jsonb_typeof(cast({{ json_text }} as jsonb)) = 'object'
                    then cast({{ json_text }} as jsonb) ->> '{{ key }}'
            end
    end
{%- endmacro %}

{% macro postgres__json_has_key(json_text, key) -%}
    case
        when {{ postgres_json_valid(json_text) }}
            then case
                when jsonb_typeof(cast({{ json_text }} as jsonb)) = 'object'
                    then jsonb_exists(cast({{ json_text }} as jsonb), '{{ key }}')
                else false
            end
    end
{%- endmacro %}

{% macro postgres__json_text_kind(json_text) -%}
    case
        when {{ json_text }} is null then 'missing'
        when trim({{ json_text }}) = '' then 'empty'
        when not {{ postgres_json_valid(json_text) }} then 'invalid_json'
        when jsonb_typeof(cast({{ json_text }} as jsonb)) <> 'object' then 'not_object'
        else 'object'
    end
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{#- DuckDB rounds a double as round_half_away(x * 10^places) / 10^places, the product
    taken in double arithmetic (69.225 -> 6922.499999999999 -> 69.22). The same here:
    the double product, then float8 -> text (the shortest exact form, PostgreSQL 12+;
    float8 -> numeric directly would keep only 15 significant digits), numeric round
    (half away from zero; float8 round is half to even), and an exact numeric division. -#}
{% macro postgres__round_double(expression, places) -%}
    (round(cast(cast(cast({{ expression }} as double precision) * {{ 10 ** (places | int) }} as text) as numeric), 0)
        / {{ 10 ** (places | int) }})
{%- endmacro %}
