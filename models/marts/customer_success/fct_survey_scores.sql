{#- Voice of the customer, one row per survey response given on or before
    as_of_date (METRICS.md, "Voice of the customer"): the respondent, the
    customer it speaks for (null when unmatched; match_status says why), the
    score and its classification. NPS 0-10: promoter 9-10, passive 7-8,
    detractor 0-6; CSAT 1-5: satisfied at 4-5; CES 1-7 is reported as is.
    Respondent mapping rules: int_survey_responses_mapped. -#}

with

responses as (

    select * from {{ ref('int_survey_responses_mapped') }}

),

final as (

    select
        response_id,
        person_id,
        respondent_email,
        contact_id,
        product_user_id,
        account_id,
        customer_id,
        match_status,
        survey_type,
        cast(score as integer) as score,
        case when survey_type = 'nps' then {{ voc_nps_category('score') }} end as nps_category,
        case when survey_type = 'csat' then score >= 4 end as is_csat_satisfied,
        comment,
        permalink,
        responded_at,
        cast(responded_at as date) as responded_date,
        cast({{ dbt.date_trunc('month', 'responded_at') }} as date) as response_month,
        updated_at
    from responses

)

select * from final
