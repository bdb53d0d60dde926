{#- NPS, CSAT and CES per customer and month (METRICS.md, "Voice of the
    customer"): one row per customer with a matched response and month, from
    the customer's first response month through the as_of_date month (months
    without responses included, scores null when the window is empty).

    Two kinds of numbers, as Delighted and Gainsight show them:
    * *_in_month: responses given in the calendar month (activity volume);
    * the scores and their counts: over the trailing var voc_score_window_days
      window ending on the month's last day (as_of_date for the incomplete
      month), NPS over each respondent's latest NPS response in the window
      (int_survey_responses_windowed). NPS = 100 * (promoters - detractors) /
      respondents (-100..100); CSAT = satisfied (4-5) / CSAT responses; CES =
      mean score. Null with no response of the type in the window.
    Unmatched responses (customer_id null) are only in fct_survey_segments_monthly. -#}

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
        customer_id,
        survey_type,
        cast({{ dbt.date_trunc('month', 'responded_at') }} as date) as response_month
    from {{ ref('int_survey_responses_mapped') }}
    where customer_id is not null

),

windowed as (

    select * from {{ ref('int_survey_responses_windowed') }}
    where customer_id is not null

),

customer_first_months as (

    select
        customer_id,
        min(response_month) as first_response_month
    from responses
    group by 1

),

customer_months as (

    select
        customer_first_months.customer_id,
        months.month,
        months.is_complete,
        cast(
            {{ dbt.dateadd('day', '1 - ' ~ var('voc_score_window_days'), 'months.window_end_date') }} as date
        ) as window_start_date,
        months.window_end_date
    from customer_first_months
    inner join months
        on customer_first_months.first_response_month <= months.month

),

responses_in_month as (

    select
        customer_id,
        response_month as month,
        count(*) as responses_in_month,
        count(case when survey_type = 'nps' then 1 end) as nps_responses_in_month,
        count(case when survey_type = 'csat' then 1 end) as csat_responses_in_month,
        count(case when survey_type = 'ces' then 1 end) as ces_responses_in_month
    from responses
    group by 1, 2

),

window_measures as (

    select
        windowed.customer_id,
        windowed.month,
        {{ voc_window_measures('windowed') }}
    from windowed
    group by 1, 2

),

final as (

    select
        customer_months.customer_id,
        customer_months.month,
        customer_months.is_complete,
        customer_months.window_start_date,
        customer_months.window_end_date,
        cast(coalesce(responses_in_month.responses_in_month, 0) as bigint) as responses_in_month,
        cast(coalesce(responses_in_month.nps_responses_in_month, 0) as bigint) as nps_responses_in_month,
        cast(coalesce(responses_in_month.csat_responses_in_month, 0) as bigint) as csat_responses_in_month,
        cast(coalesce(responses_in_month.ces_responses_in_month, 0) as bigint) as ces_responses_in_month,
        {{ voc_window_scores('window_measures') }}
    from customer_months
    left join responses_in_month
        on
            customer_months.customer_id = responses_in_month.customer_id
            and customer_months.month = responses_in_month.month
    left join window_measures
        on
            customer_months.customer_id = window_measures.customer_id
            and customer_months.month = window_measures.month

)

select * from final
