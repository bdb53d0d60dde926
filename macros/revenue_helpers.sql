{#- Helpers for the revenue spine (models/intermediate/revenue, models/marts/revenue).
    Portable: standard SQL or dbt's cross-database macros; anything
    adapter-specific goes through adapter.dispatch with DuckDB's as the default. -#}

{#- One billing interval in months (METRICS.md, "MRR of a contract"): day
    count*12/365.25, week count*12/52, month count, year 12*count; null for a
    one-time price (no interval) or an unknown unit. Double precision. -#}
{% macro revenue_interval_months(interval_expression, count_expression) -%}
    case {{ interval_expression }}
        when 'day' then cast({{ count_expression }} as {{ type_double() }}) * 12 / 365.25
        when 'week' then cast({{ count_expression }} as {{ type_double() }}) * 12 / 52
        when 'month' then cast({{ count_expression }} as {{ type_double() }})
        when 'year' then cast({{ count_expression }} as {{ type_double() }}) * 12
    end
{%- endmacro %}

{#- An amount billed once per interval -> its monthly amount, double:
    amount / months(interval), written as amount * (days or weeks per year) /
    (count * 12) so that a result a double can hold exactly comes out exactly
    (a 52-per-year weekly price of 30 is 130, not 129.99999999999997). -#}
{% macro revenue_monthly_amount(amount_expression, interval_expression, count_expression) -%}
    case {{ interval_expression }}
        when 'day' then cast({{ amount_expression }} as {{ type_double() }}) * 365.25 / (cast({{ count_expression }} as {{ type_double() }}) * 12)
        when 'week' then cast({{ amount_expression }} as {{ type_double() }}) * 52 / (cast({{ count_expression }} as {{ type_double() }}) * 12)
        when 'month' then cast({{ amount_expression }} as {{ type_double() }}) / cast({{ count_expression }} as {{ type_double() }})
        when 'year' then cast({{ amount_expression }} as {{ type_double() }}) / (cast({{ count_expression }} as {{ type_double() }}) * 12)
    end
{%- endmacro %}

{#- A double MRR amount -> the stored amount: rounded to 6 places, decimal(38, 6).
    Everything downstream of the stored amount is exact decimal arithmetic, so
    differences below 0.000001 are no change (METRICS.md). -#}
{% macro revenue_amount(expression) -%}
    cast({{ round_double(expression, 6) }} as decimal(38, 6))
{%- endmacro %}

{#- numerator / denominator as a double; null when the denominator is 0 or null
    (METRICS.md: rates with a zero denominator are null). -#}
{% macro revenue_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} <> 0
            then cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}

{#- The inputs of revenue_movement_type for the rows of `relation` (month, mrr),
    one series per `key_column` running without gaps from its first month with
    MRR > 0: mrr_prev (the previous row's MRR; 0 before the first row) and
    had_earlier_mrr (some earlier row had MRR > 0). Two select-list columns. -#}
{% macro revenue_previous_mrr_columns(relation, key_column) -%}
    coalesce(
            lag({{ relation }}.mrr) over (
                partition by {{ relation }}.{{ key_column }} order by {{ relation }}.month
            ),
            0
        ) as mrr_prev,
        coalesce(
            max(case when {{ relation }}.mrr > 0 then 1 else 0 end) over (
                partition by {{ relation }}.{{ key_column }}
                order by {{ relation }}.month
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as had_earlier_mrr
{%- endmacro %}

{#- The movement of one month at either grain (METRICS.md, "Movements"), from the
    previous month's MRR, this month's, and whether any earlier month had MRR > 0.
    Null when there is no movement. Amounts are decimal(38, 6), so = is exact. -#}
{% macro revenue_movement_type(mrr_prev, mrr, had_earlier_mrr) -%}
    case
        when {{ mrr }} > 0 and not {{ had_earlier_mrr }} then 'new'
        when {{ mrr_prev }} = 0 and {{ mrr }} > 0 then 'reactivation'
        when {{ mrr_prev }} > 0 and {{ mrr }} > {{ mrr_prev }} then 'expansion'
        when {{ mrr }} > 0 and {{ mrr }} < {{ mrr_prev }} then 'contraction'
        when {{ mrr_prev }} > 0 and {{ mrr }} = 0 then 'churn'
    end
{%- endmacro %}

{#- The customer id of a billing customer without a usable CRM link (METRICS.md). -#}
{% macro revenue_unmapped_customer_id(stripe_customer_id) -%}
    'unmapped:' || coalesce({{ stripe_customer_id }}, '')
{%- endmacro %}

{#- Size band of an employee count from var revenue_size_bands (list of {label,
    min_employees}, ascending): the last band whose min_employees <= count;
    'unknown' for a null count (or one below every band). -#}
{% macro revenue_size_band(employee_count_expression) -%}
    {%- set bands = var('revenue_size_bands') -%}
    {%- if bands is string -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error('var revenue_size_bands must be a list of {label, min_employees}') }}
        {%- endif -%}
        {#- sqlfluff's var() stand-in is text: lint renders a one-band case. -#}
        {%- set bands = [{'label': 'all', 'min_employees': 0}] -%}
    {%- endif -%}
    {%- set bands = bands | sort(attribute='min_employees', reverse=true) -%}
    case
        {%- for band in bands %}
        when {{ employee_count_expression }} >= {{ band.min_employees }} then '{{ band.label }}'
        {%- endfor %}
        else 'unknown'
    end
{%- endmacro %}

{#- A segment value for retention: null or blank -> 'unknown' (METRICS.md asks for
    every customer in some segment). -#}
{% macro revenue_segment_value(expression) -%}
    coalesce(nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), ''), 'unknown')
{%- endmacro %}

{#- FX (METRICS.md): the rows of CTE `source` (with `currency`, upper-cased, and
    `fx_date`) with the rate to USD of fx_date: the latest on or before it, else
    the currency's earliest (is_fx_fallback). `fx_rates` is a CTE of
    int_fx_rates_ranged. Adds fx_rate_to_usd and is_fx_fallback to `columns`.
    The daily seed has a rate for nearly every (currency, day), and that rate's
    range is the one holding the day, so the exact day is an equality join; only
    the rest (USD, gaps, days outside the seed, unknown currencies: null rate)
    take the range join, whose residual predicates were the costliest step of
    the MRR spine. -#}
{% macro revenue_fx_lookup(source, columns, fx_rates='fx_rates') -%}
    select
        {% for column in columns -%}
            {{ source }}.{{ column }},
        {% endfor -%}
        fx_exact.rate_to_usd as fx_rate_to_usd,
        false as is_fx_fallback
    from {{ source }}
    inner join {{ fx_rates }} as fx_exact
        on
            {{ source }}.currency = fx_exact.currency_code
            and {{ source }}.fx_date = fx_exact.rate_date

    union all

    select
        {% for column in columns -%}
            {{ source }}.{{ column }},
        {% endfor -%}
        fx_range.rate_to_usd as fx_rate_to_usd,
        coalesce(fx_range.rate_date > {{ source }}.fx_date, false) as is_fx_fallback
    from {{ source }}
    left join {{ fx_rates }} as fx_exact
        on
            {{ source }}.currency = fx_exact.currency_code
            and {{ source }}.fx_date = fx_exact.rate_date
    left join {{ fx_rates }} as fx_range
        on
            {{ source }}.currency = fx_range.currency_code
            and {{ source }}.fx_date >= fx_range.valid_from
            and {{ source }}.fx_date < fx_range.valid_to
    where fx_exact.currency_code is null
{%- endmacro %}

{#- An instant far in the future for open intervals (discount end null = open). -#}
{% macro revenue_open_end() -%}
    {{ fivetran_open_end() }}
{%- endmacro %}

{#- var revenue_max_hierarchy_depth as a whole number >= 1 (a compile error
    otherwise). sqlfluff's var() stand-in is text: lint renders a one-hop walk. -#}
{% macro revenue_max_hierarchy_depth() -%}
    {%- set value = var('revenue_max_hierarchy_depth') -%}
    {%- if value is not number and execute -%}
        {{ exceptions.raise_compiler_error('var revenue_max_hierarchy_depth must be a whole number >= 1, got ' ~ value) }}
    {%- endif -%}
    {{ return([value | int, 1] | max) }}
{%- endmacro %}

{#- The account hierarchy walk over `hops_relation` (account_id, next_account_id):
    one row per start account and hop reached (start_account_id, account_id,
    hop_number), hop 0 being the start itself and the walk stopping after
    max_depth hops or where next_account_id is null. Not a recursive CTE: portable,
    and dbt unit tests cannot mock recursive models. Dispatched: Spark inlines every
    CTE reference (macros/spark_revenue_helpers.sql). -#}
{% macro revenue_hierarchy_walk(hops_relation, max_depth) -%}
    {{ return(adapter.dispatch('revenue_hierarchy_walk', 'b2b_loyalty')(hops_relation, max_depth)) }}
{%- endmacro %}

{#- Hop by hop, each step joining only the walks still going: most accounts stop
    at hop 0 or 1, so the later steps are nearly empty. (A chain of max_depth left
    joins over every account, one column per hop, computed the same rows at 2-3x
    the cost: 10k bench, ~0.07 s of the MRR spine's 0.6 s.) -#}
{% macro default__revenue_hierarchy_walk(hops_relation, max_depth) -%}
    with

    walk_hop_0 as (

        select
            account_id as start_account_id,
            account_id,
            next_account_id
        from {{ hops_relation }}

    ),
    {%- for k in range(1, max_depth + 1) %}

    walk_hop_{{ k }} as (

        select
            walk_hop_{{ k - 1 }}.start_account_id,
            {{ hops_relation }}.account_id,
            {{ hops_relation }}.next_account_id
        from walk_hop_{{ k - 1 }}
        inner join {{ hops_relation }}
            on walk_hop_{{ k - 1 }}.next_account_id = {{ hops_relation }}.account_id

    ){% if not loop.last %},{% endif %}
    {%- endfor %}

    {%- for k in range(0, max_depth + 1) %}

    select
        start_account_id,
        account_id,
        {{ k }} as hop_number
    from walk_hop_{{ k }}
    {%- if k == 0 %}
    where account_id is not null
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
