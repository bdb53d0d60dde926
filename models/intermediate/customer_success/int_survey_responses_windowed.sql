{#- One row per month and survey response inside that month's scoring window:
    the trailing var voc_score_window_days days ending on the month's last day
    (on as_of_date for the incomplete as_of month), both ends included. The
    monthly VoC marts aggregate these rows.

    METRICS.md: NPS is computed over each contact's latest response in the
    window. The respondent is the Delighted person (one per e-mail address);
    is_counted marks the latest response per respondent and survey type in the
    window (by responded_at, tie: greatest response_id) for the survey types in
    var voc_latest_response_only_survey_types (default nps), and every response
    for the others (CSAT and CES are transactional: each case or onboarding
    survey is its own experience). Months run from the first month with a
    response through the as_of_date month. -#}

{%- set latest_only_types = cs_list_var('voc_latest_response_only_survey_types', ['nps']) %}

with

months as (

    select
        month,
        is_complete,
        cast({{ dbt.dateadd('day', -1, 'snapshot_at') }} as date) as window_end_date
    from {{ ref('int_revenue_months') }}

),

responses as (

    select
        response_id,
        person_id,
        customer_id,
        survey_type,
        score,
        responded_at,
        cast(responded_at as date) as responded_date
    from {{ ref('int_survey_responses_mapped') }}

),

first_response as (

    select cast({{ dbt.date_trunc('month', 'min(responded_date)') }} as date) as first_response_month
    from responses

),

score_windows as (

    select
        months.month,
        months.is_complete,
        cast(
            {{ dbt.dateadd('day', '1 - ' ~ var('voc_score_window_days'), 'months.window_end_date') }} as date
        ) as window_start_date,
        months.window_end_date
    from months
    inner join first_response
        on months.month >= first_response.first_response_month

),

responses_in_window as (

    select
        score_windows.month,
        score_windows.is_complete,
        score_windows.window_start_date,
        score_windows.window_end_date,
        responses.response_id,
        responses.person_id,
        responses.customer_id,
        responses.survey_type,
        responses.score,
        responses.responded_at,
        responses.responded_date,
        row_number() over (
            partition by score_windows.month, responses.person_id, responses.survey_type
            order by responses.responded_at desc, responses.response_id desc
        ) as respondent_recency_rank
    from score_windows
    inner join responses
        on
            score_windows.window_start_date <= responses.responded_date
            and score_windows.window_end_date >= responses.responded_date

),

final as (

    select
        month,
        is_complete,
        window_start_date,
        window_end_date,
        response_id,
        person_id,
        customer_id,
        survey_type,
        score,
        responded_at,
        responded_date,
        case
            when survey_type in ({{ cs_sql_in_list(latest_only_types) }}) then respondent_recency_rank = 1
            else true
        end as is_counted
    from responses_in_window

)

select * from final
