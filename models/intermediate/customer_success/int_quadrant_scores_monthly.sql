{#- Emotion and behaviour scores (0-100) per customer and month for the loyalty
    quadrants (METRICS.md, "Voice of the customer"), on the revenue spine's grid
    (fct_customer_mrr_monthly: first month with MRR > 0 through the as_of_date
    month).

    Decisions:
    * Emotion = the month-end sentiment component of the health score
      (fct_customer_health_monthly.sentiment_score: each respondent's latest NPS
      and CSAT within var health_sentiment_window_days, 10 x mean NPS and 25 x
      (mean CSAT - 1), weighted). One source, so the quadrant and the health
      score never disagree about how a customer feels; a per-customer NPS
      percentage (fct_survey_scores_monthly) jumps between -100, 0 and 100 with
      one or two respondents and covers only a 90-day window, so it is kept
      for segment reporting. Null without a response in the window.
    * Usage = adoption x var quadrant_usage_adoption_weight + engagement x (1 -
      weight), the one present alone when the other is null (adoption is null
      in the onboarding grace period); null when both are.
    * Revenue behaviour: MRR at the month's snapshot vs var
      quadrant_revenue_trend_months months earlier (the first paid month when
      the customer is younger): higher = expansion, equal = flat, lower but > 0 =
      contraction, 0 = churn; scored var quadrant_revenue_expansion_score /
      _flat_score / _contraction_score (churn scores as contraction).
    * Behaviour = usage x var quadrant_behaviour_usage_weight + revenue
      behaviour x (1 - weight); revenue behaviour alone when usage is null. It is
      never null (every grid month has an MRR).
    Scores are rounded to 2 decimals, like the health score, so a cut-off
    compares the number the user sees. -#}

{%- set trend_months = var('quadrant_revenue_trend_months') | int %}
{%- set usage_weight = var('quadrant_behaviour_usage_weight') %}
{%- set adoption_weight = var('quadrant_usage_adoption_weight') %}

with

customer_months as (

    select
        customer_id,
        month,
        is_complete,
        mrr
    from {{ ref('fct_customer_mrr_monthly') }}

),

health_month_end as (

    select
        customer_id,
        month,
        sentiment_score,
        adoption_score,
        engagement_score
    from {{ ref('fct_customer_health_monthly') }}

),

first_paid_months as (

    select
        customer_id,
        min(month) as first_paid_month
    from customer_months
    where mrr > 0
    group by 1

),

trend_bases as (

    select
        customer_months.customer_id,
        customer_months.month,
        customer_months.is_complete,
        customer_months.mrr,
        greatest(
            cast({{ dbt.dateadd('month', -1 * trend_months, 'customer_months.month') }} as date),
            first_paid_months.first_paid_month
        ) as trend_base_month
    from customer_months
    inner join first_paid_months
        on customer_months.customer_id = first_paid_months.customer_id

),

revenue_trends as (

    select
        trend_bases.*,
        base_months.mrr as trend_base_mrr,
        case
            when trend_bases.mrr = 0 then 'churn'
            when trend_bases.mrr > base_months.mrr then 'expansion'
            when trend_bases.mrr = base_months.mrr then 'flat'
            else 'contraction'
        end as revenue_trend
    from trend_bases
    inner join customer_months as base_months
        on
            trend_bases.customer_id = base_months.customer_id
            and trend_bases.trend_base_month = base_months.month

),

usage_scored as (

    select
        revenue_trends.*,
        health_month_end.sentiment_score,
        health_month_end.adoption_score,
        health_month_end.engagement_score,
        case
            when health_month_end.adoption_score is not null and health_month_end.engagement_score is not null
                then
                    health_month_end.adoption_score * {{ adoption_weight }}
                    + health_month_end.engagement_score * (1 - {{ adoption_weight }})
            else coalesce(health_month_end.adoption_score, health_month_end.engagement_score)
        end as usage_score,
        case revenue_trends.revenue_trend
            when 'expansion' then {{ var('quadrant_revenue_expansion_score') }}
            when 'flat' then {{ var('quadrant_revenue_flat_score') }}
            else {{ var('quadrant_revenue_contraction_score') }}
        end as revenue_behaviour_score
    from revenue_trends
    left join health_month_end
        on
            revenue_trends.customer_id = health_month_end.customer_id
            and revenue_trends.month = health_month_end.month

),

final as (

    select
        customer_id,
        month,
        is_complete,
        cast(mrr as decimal(38, 6)) as mrr,
        trend_base_month,
        cast(trend_base_mrr as decimal(38, 6)) as trend_base_mrr,
        revenue_trend,
        cast({{ round_double('revenue_behaviour_score', 2) }} as {{ type_double() }}) as revenue_behaviour_score,
        cast(adoption_score as {{ type_double() }}) as adoption_score,
        cast(engagement_score as {{ type_double() }}) as engagement_score,
        cast({{ round_double('usage_score', 2) }} as {{ type_double() }}) as usage_score,
        cast({{ round_double('sentiment_score', 2) }} as {{ type_double() }}) as emotion_score,
        cast(
            {{ round_double(
                'case when usage_score is not null then usage_score * ' ~ usage_weight
                ~ ' + revenue_behaviour_score * (1 - ' ~ usage_weight ~ ') else revenue_behaviour_score end',
                2
            ) }} as {{ type_double() }}
        ) as behaviour_score
    from usage_scored

)

select * from final
