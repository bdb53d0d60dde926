{#- Voice of the customer: in fct_survey_segments_monthly every segment type
    splits the same responses as 'all' (unmatched responses and missing values
    are 'unknown'), so per month the counts of each type's values add up to the
    'all' row. Fails for every month and segment type where they do not. -#}

with

segments as (

    select
        month,
        segment_type,
        responses_in_month,
        nps_respondents,
        promoters,
        detractors,
        csat_responses,
        ces_responses
    from {{ ref('fct_survey_segments_monthly') }}

),

per_type as (

    select
        month,
        segment_type,
        sum(responses_in_month) as responses_in_month,
        sum(nps_respondents) as nps_respondents,
        sum(promoters) as promoters,
        sum(detractors) as detractors,
        sum(csat_responses) as csat_responses,
        sum(ces_responses) as ces_responses
    from segments
    where segment_type <> 'all'
    group by 1, 2

),

all_rows as (

    select * from segments
    where segment_type = 'all'

)

select
    per_type.month,
    per_type.segment_type,
    per_type.responses_in_month,
    all_rows.responses_in_month as all_responses_in_month,
    per_type.nps_respondents,
    all_rows.nps_respondents as all_nps_respondents
from per_type
left join all_rows
    on per_type.month = all_rows.month
where
    all_rows.month is null
    or per_type.responses_in_month <> all_rows.responses_in_month
    or per_type.nps_respondents <> all_rows.nps_respondents
    or per_type.promoters <> all_rows.promoters
    or per_type.detractors <> all_rows.detractors
    or per_type.csat_responses <> all_rows.csat_responses
    or per_type.ces_responses <> all_rows.ces_responses
