{#- Helpers for the voice-of-the-customer, onboarding, renewal and expansion
    models (models/*/customer_success: int_survey_*, int_onboarding_*,
    int_renewal_*, int_expansion_*, fct_survey_*, fct_onboarding*, fct_renewals,
    fct_expansion_signals). Portable: plain SQL only. -#}

{#- A list var (e.g. voc_latest_response_only_survey_types) as a Jinja list. A
    compile error when it is not a list; sqlfluff's var() stand-in is text, so
    lint renders `lint_default`. -#}
{% macro cs_list_var(var_name, lint_default) -%}
    {%- set value = var(var_name) -%}
    {%- if value is string -%}
        {%- if execute and value != 'item' -%}
            {{ exceptions.raise_compiler_error('var ' ~ var_name ~ ' must be a list, got ' ~ value) }}
        {%- endif -%}
        {{ return(lint_default) }}
    {%- endif -%}
    {{ return(value | list) }}
{%- endmacro %}

{#- A list of text values as a SQL in-list body: 'a', 'b'. An empty list renders
    a null literal, so `x in (...)` is never true. -#}
{% macro cs_sql_in_list(values) -%}
    {%- if values | length == 0 -%}
        null
    {%- else -%}
        {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- NPS category of a 0-10 score (METRICS.md: promoters 9-10, passives 7-8,
    detractors 0-6). The definition is the metric, not a setting: no var. -#}
{% macro voc_nps_category(score) -%}
    case
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        when {{ score }} >= 0 then 'detractor'
    end
{%- endmacro %}

{#- NPS from counts: 100 * (promoters - detractors) / respondents, -100..100,
    double; null with no respondents. -#}
{% macro voc_nps(promoters, detractors, respondents) -%}
    case
        when {{ respondents }} > 0
            then 100.0 * cast({{ promoters }} - {{ detractors }} as {{ type_double() }}) / cast({{ respondents }} as {{ type_double() }})
    end
{%- endmacro %}

{#- The renewal window label of a number of days to renewal, from var
    renewal_window_days (ascending upper bounds, e.g. [90, 120, 180] ->
    '0-90', '91-120', '121-180'); beyond the last bound '<last + 1>+';
    negative (overdue) -> 'overdue'. -#}
{% macro renewal_window_label(days_expression) -%}
    {%- set bounds = cs_list_var('renewal_window_days', [90, 120, 180]) | map('int') | sort -%}
    case
        when {{ days_expression }} < 0 then 'overdue'
        {%- for bound in bounds %}
        when {{ days_expression }} <= {{ bound }} then '{{ 0 if loop.first else bounds[loop.index0 - 1] + 1 }}-{{ bound }}'
        {%- endfor %}
        else '{{ bounds[-1] + 1 }}+'
    end
{%- endmacro %}

{#- The VoC measures over rows of int_survey_responses_windowed (only rows with
    is_counted): respondent and category counts for NPS, satisfied share for
    CSAT (4-5 on 1-5), mean for CES (1-7). Aggregate expressions for a select
    list; pair with voc_window_scores() over their results. -#}
{% macro voc_window_measures(relation) -%}
    count(case when {{ relation }}.survey_type = 'nps' and {{ relation }}.is_counted then 1 end) as nps_respondents,
    count(
        case when {{ relation }}.survey_type = 'nps' and {{ relation }}.is_counted and {{ relation }}.score >= 9 then 1 end
    ) as promoters,
    count(
        case
            when {{ relation }}.survey_type = 'nps' and {{ relation }}.is_counted and {{ relation }}.score between 7 and 8
                then 1
        end
    ) as passives,
    count(
        case when {{ relation }}.survey_type = 'nps' and {{ relation }}.is_counted and {{ relation }}.score <= 6 then 1 end
    ) as detractors,
    count(case when {{ relation }}.survey_type = 'csat' and {{ relation }}.is_counted then 1 end) as csat_responses,
    count(
        case when {{ relation }}.survey_type = 'csat' and {{ relation }}.is_counted and {{ relation }}.score >= 4 then 1 end
    ) as csat_satisfied_responses,
    count(case when {{ relation }}.survey_type = 'ces' and {{ relation }}.is_counted then 1 end) as ces_responses,
    avg(
        case when {{ relation }}.survey_type = 'ces' and {{ relation }}.is_counted then cast({{ relation }}.score as {{ type_double() }}) end
    ) as ces
{%- endmacro %}

{#- The mart columns over voc_window_measures() results in `measures` (a left-joined
    relation: missing counts are 0, missing scores null): NPS counts and score, CSAT
    counts and share, CES count and mean, in the contract's column order. -#}
{% macro voc_window_scores(measures) -%}
    cast(coalesce({{ measures }}.nps_respondents, 0) as bigint) as nps_respondents,
    cast(coalesce({{ measures }}.promoters, 0) as bigint) as promoters,
    cast(coalesce({{ measures }}.passives, 0) as bigint) as passives,
    cast(coalesce({{ measures }}.detractors, 0) as bigint) as detractors,
    {{ voc_nps(measures ~ '.promoters', measures ~ '.detractors', measures ~ '.nps_respondents') }} as nps,
    cast(coalesce({{ measures }}.csat_responses, 0) as bigint) as csat_responses,
    cast(coalesce({{ measures }}.csat_satisfied_responses, 0) as bigint) as csat_satisfied_responses,
    {{ revenue_ratio(measures ~ '.csat_satisfied_responses', measures ~ '.csat_responses') }} as csat,
    cast(coalesce({{ measures }}.ces_responses, 0) as bigint) as ces_responses,
    cast({{ measures }}.ces as {{ type_double() }}) as ces
{%- endmacro %}

{#- Whole days from start_date to end_date, never below 0 (an end before the
    start counts as day 0); null when either is null. Integer. -#}
{% macro cs_days_from(start_date, end_date) -%}
    cast(
        case
            when {{ end_date }} is null or {{ start_date }} is null then null
            when {{ end_date }} < {{ start_date }} then 0
            else {{ dbt.datediff(start_date, end_date, 'day') }}
        end
        as integer
    )
{%- endmacro %}
