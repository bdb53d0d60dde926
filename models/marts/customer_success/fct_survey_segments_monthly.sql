{#- NPS, CSAT and CES per segment and month, with the same measures and
    windows as fct_survey_scores_monthly (trailing var voc_score_window_days
    days; NPS over each respondent's latest NPS response in the window).

    Segment types (the names fct_revenue_retention uses):
    * all: every response, matched to a customer or not (what Delighted's own
      dashboard shows); a row for every month from the first response month
      through the as_of_date month.
    * size_band, industry, acquisition_channel: the customer's CRM attributes
      (int_customer_accounts; current values, the CRM keeps no history).
    * plan: the plan of the customer's largest contract at the end of the
      month (fct_customer_mrr_monthly), so a response is read against what the
      customer was on when it answered; no plan that month -> 'unknown'.
    billing_currency is left out on purpose: it is how a customer is invoiced,
    not a trait that shapes its experience (country and channel carry that).
    Unmatched responses and missing values are 'unknown', so in each segment
    type the values' counts add up to 'all'. Segment values other than 'all'
    have a row per month where they have a response in the month or window.
    Sentiment is not a cohort metric: the segment is the one at the month, not
    at a cohort start. -#}

-- sqlfluff:indentation:template_blocks_indent:false

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
        score,
        cast({{ dbt.date_trunc('month', 'responded_at') }} as date) as response_month
    from {{ ref('int_survey_responses_mapped') }}

),

windowed as (

    select
        month,
        customer_id,
        survey_type,
        score,
        is_counted
    from {{ ref('int_survey_responses_windowed') }}

),

customer_accounts as (

    select
        customer_id,
        size_band,
        industry,
        acquisition_channel
    from {{ ref('int_customer_accounts') }}

),

customer_plans as (

    select
        customer_id,
        month,
        plan_name
    from {{ ref('fct_customer_mrr_monthly') }}

),

first_response as (

    select min(response_month) as first_response_month
    from responses

),

{# One stream: window rows (scored) and in-month rows (volume only,
    is_counted false so the window measures ignore them). #}
survey_rows as (

    select
        month,
        customer_id,
        survey_type,
        score,
        is_counted,
        true as is_window_row
    from windowed

    union all

    select
        response_month as month,
        customer_id,
        survey_type,
        score,
        false as is_counted,
        false as is_window_row
    from responses

),

rows_with_segments as (

    select
        survey_rows.*,
        {{ revenue_segment_value('customer_accounts.size_band') }} as size_band,
        {{ revenue_segment_value('customer_accounts.industry') }} as industry,
        {{ revenue_segment_value('customer_accounts.acquisition_channel') }} as acquisition_channel,
        {{ revenue_segment_value('customer_plans.plan_name') }} as plan
    from survey_rows
    left join customer_accounts
        on survey_rows.customer_id = customer_accounts.customer_id
    left join customer_plans
        on
            survey_rows.customer_id = customer_plans.customer_id
            and survey_rows.month = customer_plans.month

),

segmented as (

    {%- for segment_type, segment_value in [
        ('all', "'all'"),
        ('size_band', 'size_band'),
        ('industry', 'industry'),
        ('acquisition_channel', 'acquisition_channel'),
        ('plan', 'plan'),
    ] %}

    select
        month,
        '{{ segment_type }}' as segment_type,
        {{ segment_value }} as segment_value,
        customer_id,
        survey_type,
        score,
        is_counted,
        is_window_row
    from rows_with_segments
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

segment_measures as (

    select
        segmented.month,
        segmented.segment_type,
        segmented.segment_value,
        count(case when not segmented.is_window_row then 1 end) as responses_in_month,
        count(
            case when not segmented.is_window_row and segmented.survey_type = 'nps' then 1 end
        ) as nps_responses_in_month,
        count(
            case when not segmented.is_window_row and segmented.survey_type = 'csat' then 1 end
        ) as csat_responses_in_month,
        count(
            case when not segmented.is_window_row and segmented.survey_type = 'ces' then 1 end
        ) as ces_responses_in_month,
        count(distinct case when segmented.is_counted then segmented.customer_id end) as responding_customers,
        {{ voc_window_measures('segmented') }}
    from segmented
    group by 1, 2, 3

),

{# 'all' has a row for every month from the first response on; other values
    only where they have rows. #}
segment_months as (

    select
        months.month,
        'all' as segment_type,
        'all' as segment_value
    from months
    inner join first_response
        on months.month >= first_response.first_response_month

    union all

    select distinct
        month,
        segment_type,
        segment_value
    from segment_measures
    where segment_type <> 'all'

),

final as (

    select
        segment_months.month,
        months.is_complete,
        segment_months.segment_type,
        segment_months.segment_value,
        cast(
            {{ dbt.dateadd('day', '1 - ' ~ var('voc_score_window_days'), 'months.window_end_date') }} as date
        ) as window_start_date,
        months.window_end_date,
        cast(coalesce(segment_measures.responses_in_month, 0) as bigint) as responses_in_month,
        cast(coalesce(segment_measures.nps_responses_in_month, 0) as bigint) as nps_responses_in_month,
        cast(coalesce(segment_measures.csat_responses_in_month, 0) as bigint) as csat_responses_in_month,
        cast(coalesce(segment_measures.ces_responses_in_month, 0) as bigint) as ces_responses_in_month,
        cast(coalesce(segment_measures.responding_customers, 0) as bigint) as responding_customers,
        {{ voc_window_scores('segment_measures') }}
    from segment_months
    inner join months
        on segment_months.month = months.month
    left join segment_measures
        on
            segment_months.month = segment_measures.month
            and segment_months.segment_type = segment_measures.segment_type
            and segment_months.segment_value = segment_measures.segment_value

)

select * from final
