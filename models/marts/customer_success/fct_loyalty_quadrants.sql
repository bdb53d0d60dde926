{#- Loyalty quadrants (METRICS.md, "Voice of the customer"; issue 4, item 5):
    one row per customer and month from the first month with MRR > 0 through
    the as_of_date month (is_complete = false for that one), emotion x
    behaviour from int_quadrant_scores_monthly.

    * Emotion is high at or above var quadrant_emotion_high_min, behaviour at or
      above var quadrant_behaviour_high_min (a score exactly at the cut-off is
      high). high/high = truly_loyal, high emotion/low behaviour = hidden_fan,
      low emotion/high behaviour = inertial_continuer, low/low = at_risk.
    * No survey response in the sentiment window: emotion is null and the
      quadrant is 'unclassified' (an unknown feeling is neither high nor low;
      behaviour is still reported).
    * A month with MRR 0 (after churn, before any reactivation) is 'churned':
      the customer is no longer in the emotion/behaviour grid, and the move into
      it stays visible.
    * previous_quadrant is the month before's (null in the first month);
      quadrant_move '<previous>-><current>' when they differ, else null;
      is_dangerous_move when the move is in var quadrant_dangerous_moves
      (truly_loyal->inertial_continuer: the love is gone, only habit is left;
      hidden_fan->at_risk: the fan stopped using and paying). -#}

{%- set dangerous_moves = cs_list_var('quadrant_dangerous_moves', ['truly_loyal->inertial_continuer']) %}

with

scores as (

    select * from {{ ref('int_quadrant_scores_monthly') }}

),

classified as (

    select
        scores.*,
        scores.emotion_score >= {{ var('quadrant_emotion_high_min') }} as is_emotion_high,
        scores.behaviour_score >= {{ var('quadrant_behaviour_high_min') }} as is_behaviour_high,
        case
            when scores.mrr = 0 then 'churned'
            when scores.emotion_score is null then 'unclassified'
            when
                scores.emotion_score >= {{ var('quadrant_emotion_high_min') }}
                and scores.behaviour_score >= {{ var('quadrant_behaviour_high_min') }}
                then 'truly_loyal'
            when scores.emotion_score >= {{ var('quadrant_emotion_high_min') }} then 'hidden_fan'
            when scores.behaviour_score >= {{ var('quadrant_behaviour_high_min') }} then 'inertial_continuer'
            else 'at_risk'
        end as loyalty_quadrant
    from scores

),

with_previous as (

    select
        classified.*,
        lag(classified.loyalty_quadrant) over (
            partition by classified.customer_id order by classified.month
        ) as previous_quadrant
    from classified

),

with_moves as (

    select
        with_previous.*,
        case
            when with_previous.previous_quadrant <> with_previous.loyalty_quadrant
                then {{ dbt.concat(['with_previous.previous_quadrant', "'->'", 'with_previous.loyalty_quadrant']) }}
        end as quadrant_move
    from with_previous

),

final as (

    select
        customer_id,
        month,
        is_complete,
        loyalty_quadrant,
        previous_quadrant,
        quadrant_move,
        quadrant_move is not null as is_quadrant_change,
        coalesce(quadrant_move in ({{ cs_sql_in_list(dangerous_moves) }}), false) as is_dangerous_move,
        emotion_score,
        behaviour_score,
        is_emotion_high,
        is_behaviour_high,
        usage_score,
        adoption_score,
        engagement_score,
        revenue_behaviour_score,
        revenue_trend,
        trend_base_month,
        trend_base_mrr,
        mrr
    from with_moves

)

select * from final
