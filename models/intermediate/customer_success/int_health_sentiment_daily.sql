{#- Sentiment component (0-100) per customer and day (METRICS.md: NPS/CSAT).

    * Respondents are matched to customers once, in int_survey_responses_mapped
      (CRM contact first, then product user; its header has the rules), so the
      health score and the voice-of-the-customer marts credit a response to the
      same customer. Unmatched responses do not count.
    * On each day, each respondent's latest NPS and latest CSAT response on or
      before the day counts if it is at most var health_sentiment_window_days old
      (a response is the latest from its day until the respondent's next one of
      the same type, or until it ages out).
    * nps part: the mean latest NPS scaled linearly from 0 at var
      health_sentiment_nps_zero_at (5) to 100 at 10; csat part: the mean latest
      CSAT from 0 at health_sentiment_csat_zero_at (2) to 100 at 5 (clamped). A
      mean in detractor territory scores 0, as in NPS arithmetic. sentiment = the weighted mean (var
      health_sentiment_weights) of the parts that exist; null without any
      response in the window. CES is not part of the score (it measures effort of
      one interaction, not the relationship).

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day): the response deltas are recomputed every run and hashed; a customer
    whose deltas up to its last stored day, first paid day, this file or the sentiment
    vars changed is recomputed from its first grid day; one whose grid rows were
    rewritten since this table last wrote from the first such day; every other
    customer from the day after its last stored day. Spark: a table. -#}

{%- set window_days = var('health_sentiment_window_days') | int %}
{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_sentiment_window_days', 'health_sentiment_weights', 'health_sentiment_nps_zero_at',
    'health_sentiment_csat_zero_at',
]) %}
{%- set delta_columns = [
    ['sum', 'nps_score_delta', 'nps_score_delta'],
    ['sum', 'nps_respondents_delta', 'nps_respondents_delta'],
    ['sum', 'csat_score_delta', 'csat_score_delta'],
    ['sum', 'csat_respondents_delta', 'csat_respondents_delta'],
] %}

-- sqlfluff:indentation:template_blocks_indent:false
{%- set nps_part = health_scale('mean_nps', var('health_sentiment_nps_zero_at'), 10) %}
{%- set csat_part = health_scale('mean_csat', var('health_sentiment_csat_zero_at'), 5) %}

with

customer_days as (

    select
        customer_id,
        date_day,
        first_paid_date
    from {{ ref('int_health_customer_days') }}

),

responses_mapped as (

    select
        customer_id,
        person_id,
        survey_type,
        score,
        responded_at as created_at,
        cast(responded_at as date) as response_date
    from {{ ref('int_survey_responses_mapped') }}
    where
        customer_id is not null
        and survey_type in ('nps', 'csat')
        and score is not null

),

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date
    from customer_days

),

{# The last response of a respondent, type and day is the one that counts that day. #}
responses_last_of_day as (

    select
        customer_id,
        person_id,
        survey_type,
        score,
        response_date,
        row_number() over (
            partition by person_id, survey_type, response_date
            order by created_at desc
        ) as response_rank
    from responses_mapped

),

{# A response counts from its day until the next one or until it ages out. #}
response_ranges as (

    select
        customer_id,
        survey_type,
        score,
        response_date as start_date,
        least(
            coalesce(
                lead(response_date) over (partition by person_id, survey_type order by response_date),
                cast({{ dbt.dateadd('day', window_days + 1, 'response_date') }} as date)
            ),
            cast({{ dbt.dateadd('day', window_days + 1, 'response_date') }} as date)
        ) as end_date
    from responses_last_of_day
    where response_rank = 1

),

deltas as (

    select
        customer_id,
        start_date as date_day,
        case when survey_type = 'nps' then score else 0 end as nps_score_delta,
        case when survey_type = 'nps' then 1 else 0 end as nps_respondents_delta,
        case when survey_type = 'csat' then score else 0 end as csat_score_delta,
        case when survey_type = 'csat' then 1 else 0 end as csat_respondents_delta
    from response_ranges
    union all
    select
        customer_id,
        end_date as date_day,
        case when survey_type = 'nps' then -score else 0 end as nps_score_delta,
        case when survey_type = 'nps' then -1 else 0 end as nps_respondents_delta,
        case when survey_type = 'csat' then -score else 0 end as csat_score_delta,
        case when survey_type = 'csat' then -1 else 0 end as csat_respondents_delta
    from response_ranges

),

deltas_by_day as (

    {{ health_deltas_by_day('deltas', 'first_paid_days', delta_columns, checksum=true) }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(
        is_refresh, 'first_paid_days', 'deltas_by_day', config_hash, upstreams=[ref('int_health_customer_days')]
    ) }}

),

deltas_in_scope as (

    {{ health_deltas_in_scope('deltas_by_day', 'refresh_scope', delta_columns) }}

),

customer_days_in_scope as (

    {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope', []) }}

),

sums_by_day as (

    {{ health_running_totals('customer_days_in_scope', 'deltas_in_scope', [
        ['sum', 'nps_score_delta', 'nps_score_sum'],
        ['sum', 'nps_respondents_delta', 'nps_respondents'],
        ['sum', 'csat_score_delta', 'csat_score_sum'],
        ['sum', 'csat_respondents_delta', 'csat_respondents'],
        ['sum', 'delta_hash', 'deltas_checksum'],
    ]) }}

),

parts as (

    select
        customer_id,
        date_day,
        {{ config_hash }} + coalesce(deltas_checksum, 0) as inputs_checksum,
        cast(nps_respondents as integer) as nps_respondents,
        cast(csat_respondents as integer) as csat_respondents,
        case when nps_respondents > 0 then cast(nps_score_sum as {{ type_double() }}) / nps_respondents end as mean_nps,
        case
            when csat_respondents > 0 then cast(csat_score_sum as {{ type_double() }}) / csat_respondents
        end as mean_csat
    from sums_by_day

),

final as (

    select
        customer_id,
        date_day,
        nps_respondents,
        mean_nps,
        csat_respondents,
        mean_csat,
        case
            when mean_nps is not null and mean_csat is not null
                then cast({{ round_double(health_weighted_mean('health_sentiment_weights', {
                    'nps': nps_part,
                    'csat': csat_part,
                }), 2) }} as {{ type_double() }})
            when mean_nps is not null then cast({{ round_double(nps_part, 2) }} as {{ type_double() }})
            when mean_csat is not null then cast({{ round_double(csat_part, 2) }} as {{ type_double() }})
        end as sentiment_score,
        inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from parts

)

select * from final
