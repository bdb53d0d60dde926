{#- Health alerts: one row per threshold crossing per customer and day, with the
    recommended play from seed health_plays (alert_type, direction).

    * band_change: the band of the customer's last settled period differs from
      the one before; a band is settled once it has held var
      health_alert_band_min_days consecutive paying days (the alert is dated on
      that day), so a score hovering at a cut-off does not flap. Improving when it
      moves towards green, declining towards red; previous_health_band is the
      earlier settled band.
    * score_drop: score_change_30d crosses to <= -var health_alert_drop_points
      (it was above, or unknown, the day before); declining.
    * score_rise: score_change_30d crosses to >= var health_alert_rise_points;
      improving.
    * plateau: the score stayed within var health_alert_plateau_max_move points
      (max - min) over the last var health_alert_plateau_days days, all of them
      scored and below green (health_band_green_min): the customer is stuck.
      Fires on the first day the condition holds (a new plateau needs the
      condition to break first); direction flat.
    * Only paying days count, on the day and the day before (a churned customer
      raises no alerts; a reactivation starts afresh). -#}

{%- set plateau_days = [var('health_alert_plateau_days') | int, 1] | max %}
{%- set band_days = [var('health_alert_band_min_days') | int, 1] | max %}

with

health_daily as (

    select
        customer_id,
        date_day,
        health_score,
        health_band,
        score_change_30d,
        is_paying,
        case health_band when 'green' then 3 when 'yellow' then 2 when 'red' then 1 end as band_rank
    from {{ ref('fct_customer_health_daily') }}

),

plays as (

    select
        alert_type,
        direction,
        recommended_play,
        play_description
    from {{ ref('health_plays') }}

),

with_history as (

    select
        customer_id,
        date_day,
        health_score,
        health_band,
        score_change_30d,
        is_paying,
        band_rank,
        lag(is_paying) over (partition by customer_id order by date_day) as was_paying,
        lag(health_band) over (partition by customer_id order by date_day) as previous_health_band,
        lag(score_change_30d) over (partition by customer_id order by date_day) as previous_score_change_30d,
        min(case when is_paying then band_rank end) over (
            partition by customer_id order by date_day rows between {{ band_days - 1 }} preceding and current row
        ) as band_days_min_rank,
        max(case when is_paying then band_rank end) over (
            partition by customer_id order by date_day rows between {{ band_days - 1 }} preceding and current row
        ) as band_days_max_rank,
        count(case when is_paying then band_rank end) over (
            partition by customer_id order by date_day rows between {{ band_days - 1 }} preceding and current row
        ) as band_days_scored,
        max(health_score) over (
            partition by customer_id order by date_day rows between {{ plateau_days - 1 }} preceding and current row
        ) - min(health_score) over (
            partition by customer_id order by date_day rows between {{ plateau_days - 1 }} preceding and current row
        ) as plateau_range,
        max(health_score) over (
            partition by customer_id order by date_day rows between {{ plateau_days - 1 }} preceding and current row
        ) as plateau_max_score,
        sum(case when is_paying and health_score is not null then 1 else 0 end) over (
            partition by customer_id order by date_day rows between {{ plateau_days - 1 }} preceding and current row
        ) as plateau_scored_days
    from health_daily

),

flagged as (

    select
        with_history.*,
        coalesce(
            with_history.plateau_scored_days = {{ plateau_days }}
            and with_history.plateau_range < {{ var('health_alert_plateau_max_move') }}
            and with_history.plateau_max_score < {{ var('health_band_green_min') }},
            false
        ) as is_plateau
    from with_history

),

crossings as (

    select
        flagged.*,
        lag(flagged.is_plateau) over (partition by flagged.customer_id order by flagged.date_day) as was_plateau
    from flagged

),

{# Days on which the band has held band_days paying days; the settled band
    changes when it differs from the previous settled day's band. #}
settled_bands as (

    select
        customer_id,
        date_day,
        health_score,
        health_band,
        band_rank,
        score_change_30d,
        lag(health_band) over (partition by customer_id order by date_day) as previous_settled_band,
        lag(band_rank) over (partition by customer_id order by date_day) as previous_settled_rank
    from crossings
    where
        band_days_scored = {{ band_days }}
        and band_days_min_rank = band_days_max_rank

),

alerts as (

    select
        customer_id,
        date_day,
        'band_change' as alert_type,
        case when band_rank > previous_settled_rank then 'improving' else 'declining' end as direction,
        health_score,
        health_band,
        previous_settled_band as previous_health_band,
        score_change_30d
    from settled_bands
    where health_band <> previous_settled_band
    union all
    select
        customer_id,
        date_day,
        'score_drop' as alert_type,
        'declining' as direction,
        health_score,
        health_band,
        previous_health_band,
        score_change_30d
    from crossings
    where
        is_paying and was_paying
        and score_change_30d <= -{{ var('health_alert_drop_points') }}
        and coalesce(previous_score_change_30d > -{{ var('health_alert_drop_points') }}, true)
    union all
    select
        customer_id,
        date_day,
        'score_rise' as alert_type,
        'improving' as direction,
        health_score,
        health_band,
        previous_health_band,
        score_change_30d
    from crossings
    where
        is_paying and was_paying
        and score_change_30d >= {{ var('health_alert_rise_points') }}
        and coalesce(previous_score_change_30d < {{ var('health_alert_rise_points') }}, true)
    union all
    select
        customer_id,
        date_day,
        'plateau' as alert_type,
        'flat' as direction,
        health_score,
        health_band,
        previous_health_band,
        score_change_30d
    from crossings
    where is_plateau and not coalesce(was_plateau, false)

),

final as (

    select
        alerts.customer_id,
        alerts.date_day,
        cast(alerts.alert_type as {{ dbt.type_string() }}) as alert_type,
        cast(alerts.direction as {{ dbt.type_string() }}) as direction,
        alerts.health_score,
        alerts.health_band,
        alerts.previous_health_band,
        alerts.score_change_30d,
        plays.recommended_play,
        plays.play_description
    from alerts
    left join plays
        on
            alerts.alert_type = plays.alert_type
            and alerts.direction = plays.direction

)

select * from final
