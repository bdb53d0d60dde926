{#- The reporting bound as a SQL date literal: var('as_of_date') (YYYY-MM-DD), else the
    environment variable LOYALTY_AS_OF_DATE, else today (UTC).

    The refresh (`loyalty refresh`), `loyalty build` and the bench pass the date in
    LOYALTY_AS_OF_DATE, not in --vars: dbt re-parses the whole project whenever --vars
    change, and a daily refresh moves the date every day (a full parse is about 5 s of a
    refresh). The variable is read only while a node compiles (`execute`), never while dbt
    parses, so a new date does not make dbt re-parse the files that use it: a scheduled
    refresh in the same project directory parses partially. Both forms must be a date
    (YYYY-MM-DD) or 'today', checked while a node compiles (sqlfluff's templater has no
    `execute`, so lint skips the check). -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- set origin = 'var as_of_date' -%}
    {%- if (value is none or value == '') and execute -%}
        {%- set value = env_var('LOYALTY_AS_OF_DATE', '') -%}
        {%- set origin = 'environment variable LOYALTY_AS_OF_DATE' -%}
    {%- endif -%}
    {%- if value is none or value == '' or value == 'today' -%}
        {%- set value = modules.datetime.datetime.now(modules.pytz.utc).strftime('%Y-%m-%d') -%}
    {%- elif execute and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value | string) -%}
        {{ exceptions.raise_compiler_error(origin ~ "='" ~ value ~ "' is not a date (YYYY-MM-DD) or 'today'") }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}
