{#- Upcoming renewals as of as_of_date, one row per renewal, for working the
    180/120/90-day windows (Gainsight's renewal center).

    A renewal is a contract (subscription) whose current term of at least var
    renewal_min_term_months months ends within var renewal_horizon_days
    (int_renewal_subscriptions_due), and/or an open CRM renewal opportunity
    (int_renewal_opportunities_open). An opportunity of the same customer
    closing within var renewal_opportunity_match_days of a subscription's
    period end is the same renewal: the pair is matched when each is the
    other's nearest (tie: smallest id) and shares one row
    (renewal_source 'both'); the rest stand alone.

    * days_to_renewal = renewal_date - as_of_date; renewal_date is the period
      end, or the opportunity's close date when there is no subscription.
    * renewal_window from var renewal_window_days ([90, 120, 180] -> '0-90',
      '91-120', '121-180'); an open opportunity past its close date is
      'overdue'.
    * arr_at_stake_usd = 12 x the contract's MRR in the as_of_date month
      (fct_contract_mrr_monthly, USD); for an opportunity alone, its amount in
      USD (the ARR the rep expects to renew).
    * Health (score, band, 30-day change) is the customer's on as_of_date
      (fct_customer_health_daily); null when the customer has no score that day.
      health_trend: declining / improving when score_change_30d moves by at
      least var renewal_medium_risk_score_drop_30d points, else stable.
    * risk_tier, first rule that holds: high - pending cancellation
      (cancel_at_period_end), a band in var renewal_high_risk_bands, or a drop
      of at least var renewal_high_risk_score_drop_30d points in 30 days;
      no health score - var renewal_unknown_health_risk_tier; medium - a band
      in var renewal_medium_risk_bands or a drop of at least
      var renewal_medium_risk_score_drop_30d; low otherwise. risk_reason names
      the rule. -#}

{%- set high_bands = cs_list_var('renewal_high_risk_bands', ['red']) %}
{%- set medium_bands = cs_list_var('renewal_medium_risk_bands', ['yellow']) %}

with

subscriptions_due as (

    select * from {{ ref('int_renewal_subscriptions_due') }}

),

opportunities_open as (

    select * from {{ ref('int_renewal_opportunities_open') }}

),

health_today as (

    select
        customer_id,
        health_score,
        health_band,
        score_change_30d
    from {{ ref('fct_customer_health_daily') }}
    where date_day = {{ as_of_date() }}

),

customers as (

    select
        customer_id,
        customer_name
    from {{ ref('int_customer_accounts') }}

),

{# Pairs of a subscription and an opportunity of the same customer closing
    near its period end, ranked from both sides. #}
candidate_pairs as (

    select
        subscriptions_due.subscription_id,
        opportunities_open.opportunity_id,
        row_number() over (
            partition by subscriptions_due.subscription_id
            order by
                abs({{ dbt.datediff('subscriptions_due.renewal_date', 'opportunities_open.close_date', 'day') }}),
                opportunities_open.opportunity_id
        ) as rank_for_subscription,
        row_number() over (
            partition by opportunities_open.opportunity_id
            order by
                abs({{ dbt.datediff('subscriptions_due.renewal_date', 'opportunities_open.close_date', 'day') }}),
                subscriptions_due.subscription_id
        ) as rank_for_opportunity
    from subscriptions_due
    inner join opportunities_open
        on
            subscriptions_due.customer_id = opportunities_open.customer_id
            and abs(
                {{ dbt.datediff('subscriptions_due.renewal_date', 'opportunities_open.close_date', 'day') }}
            ) <= {{ var('renewal_opportunity_match_days') }}

),

matched_pairs as (

    select
        subscription_id,
        opportunity_id
    from candidate_pairs
    where rank_for_subscription = 1 and rank_for_opportunity = 1

),

subscription_renewals as (

    select
        subscriptions_due.customer_id,
        subscriptions_due.subscription_id,
        opportunities_open.opportunity_id,
        subscriptions_due.renewal_date,
        subscriptions_due.term_months,
        subscriptions_due.plan_name,
        subscriptions_due.contract_mrr_usd,
        cast(12 * subscriptions_due.contract_mrr_usd as decimal(38, 6)) as arr_at_stake_usd,
        opportunities_open.amount_usd as opportunity_amount_usd,
        opportunities_open.stage_name as opportunity_stage,
        subscriptions_due.is_pending_cancel
    from subscriptions_due
    left join matched_pairs
        on subscriptions_due.subscription_id = matched_pairs.subscription_id
    left join opportunities_open
        on matched_pairs.opportunity_id = opportunities_open.opportunity_id

),

opportunity_renewals as (

    select
        opportunities_open.customer_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        opportunities_open.opportunity_id,
        opportunities_open.close_date as renewal_date,
        cast(null as {{ type_double() }}) as term_months,
        cast(null as {{ dbt.type_string() }}) as plan_name,
        cast(null as decimal(38, 6)) as contract_mrr_usd,
        opportunities_open.amount_usd as arr_at_stake_usd,
        opportunities_open.amount_usd as opportunity_amount_usd,
        opportunities_open.stage_name as opportunity_stage,
        false as is_pending_cancel
    from opportunities_open
    left join matched_pairs
        on opportunities_open.opportunity_id = matched_pairs.opportunity_id
    where matched_pairs.opportunity_id is null

),

renewals as (

    select * from subscription_renewals
    union all
    select * from opportunity_renewals

),

renewals_with_health as (

    select
        renewals.*,
        {{ dbt.datediff(as_of_date(), 'renewals.renewal_date', 'day') }} as days_to_renewal,
        health_today.health_score,
        health_today.health_band,
        health_today.score_change_30d
    from renewals
    left join health_today
        on renewals.customer_id = health_today.customer_id

),

risk_assessed as (

    select
        *,
        case
            when is_pending_cancel then 'pending_cancel'
            when health_band in ({{ cs_sql_in_list(high_bands) }}) then 'health_band'
            when score_change_30d <= -{{ var('renewal_high_risk_score_drop_30d') }} then 'score_drop'
            when health_score is null then 'no_health_score'
            when health_band in ({{ cs_sql_in_list(medium_bands) }}) then 'health_band'
            when score_change_30d <= -{{ var('renewal_medium_risk_score_drop_30d') }} then 'score_drop'
        end as risk_reason,
        case
            when is_pending_cancel then 'high'
            when health_band in ({{ cs_sql_in_list(high_bands) }}) then 'high'
            when score_change_30d <= -{{ var('renewal_high_risk_score_drop_30d') }} then 'high'
            when health_score is null then '{{ var("renewal_unknown_health_risk_tier") }}'
            when health_band in ({{ cs_sql_in_list(medium_bands) }}) then 'medium'
            when score_change_30d <= -{{ var('renewal_medium_risk_score_drop_30d') }} then 'medium'
            else 'low'
        end as risk_tier
    from renewals_with_health

),

final as (

    select
        coalesce(risk_assessed.subscription_id, risk_assessed.opportunity_id) as renewal_id,
        risk_assessed.customer_id,
        customers.customer_name,
        risk_assessed.subscription_id,
        risk_assessed.opportunity_id,
        case
            when risk_assessed.subscription_id is not null and risk_assessed.opportunity_id is not null then 'both'
            when risk_assessed.subscription_id is not null then 'subscription'
            else 'opportunity'
        end as renewal_source,
        {{ as_of_date() }} as as_of_date,
        risk_assessed.renewal_date,
        cast(risk_assessed.days_to_renewal as integer) as days_to_renewal,
        {{ renewal_window_label('risk_assessed.days_to_renewal') }} as renewal_window,
        cast(risk_assessed.term_months as {{ type_double() }}) as term_months,
        risk_assessed.plan_name,
        cast(risk_assessed.contract_mrr_usd as decimal(38, 6)) as contract_mrr_usd,
        cast(risk_assessed.arr_at_stake_usd as decimal(38, 6)) as arr_at_stake_usd,
        cast(risk_assessed.opportunity_amount_usd as decimal(38, 6)) as opportunity_amount_usd,
        risk_assessed.opportunity_stage,
        cast(risk_assessed.health_score as {{ type_double() }}) as health_score,
        risk_assessed.health_band,
        cast(risk_assessed.score_change_30d as {{ type_double() }}) as score_change_30d,
        case
            when risk_assessed.score_change_30d <= -{{ var('renewal_medium_risk_score_drop_30d') }} then 'declining'
            when risk_assessed.score_change_30d >= {{ var('renewal_medium_risk_score_drop_30d') }} then 'improving'
            when risk_assessed.score_change_30d is not null then 'stable'
        end as health_trend,
        risk_assessed.is_pending_cancel,
        risk_assessed.risk_tier,
        risk_assessed.risk_reason
    from risk_assessed
    left join customers
        on risk_assessed.customer_id = customers.customer_id

)

select * from final
