{#- Voice of the customer: fct_survey_scores_monthly's in-month counts are the
    responses of fct_survey_scores, customer by customer and month (every
    matched response lands in exactly one customer-month). Fails for every
    customer and month where they differ. -#}

with

responses as (

    select
        customer_id,
        response_month as month,
        count(*) as responses
    from {{ ref('fct_survey_scores') }}
    where customer_id is not null
    group by 1, 2

),

monthly as (

    select
        customer_id,
        month,
        responses_in_month
    from {{ ref('fct_survey_scores_monthly') }}
    where responses_in_month > 0

)

select
    coalesce(responses.customer_id, monthly.customer_id) as customer_id,
    coalesce(responses.month, monthly.month) as month,
    responses.responses,
    monthly.responses_in_month
from responses
full outer join monthly
    on
        responses.customer_id = monthly.customer_id
        and responses.month = monthly.month
where
    responses.customer_id is null
    or monthly.customer_id is null
    or responses.responses <> monthly.responses_in_month
