{#- Engagement component (0-100) per customer and day (METRICS.md: activity
    recency and frequency, QBRs/meetings).

    * recency: days since the customer's last activity event; 100 up to var
      health_engagement_recency_full_days, 0 from health_engagement_recency_zero_days,
      linear between (0 when there was never any activity).
    * frequency: DAU/MAU over the trailing 30 days (active user-days / (30 *
      active users)); 100 at var health_engagement_target_stickiness (0 without
      active users).
    * meetings: completed CRM tasks of the types in var
      health_engagement_meeting_task_types (Meeting, QBR) with any account of the
      customer in the trailing health_engagement_meeting_window_days; 100 at var
      health_engagement_target_meetings.
    * engagement = the weighted sum (var health_engagement_weights). Null when the
      customer has no product users (usage not measurable). -#}

{%- set meeting_window_days = var('health_engagement_meeting_window_days') | int %}

with

customer_days as (

    select
        customer_id,
        date_day,
        first_paid_date
    from {{ ref('int_health_customer_days') }}

),

usage as (

    select
        customer_id,
        date_day,
        has_product_users,
        active_users_30d,
        active_user_days_30d,
        days_since_last_activity
    from {{ ref('int_health_usage_daily') }}

),

accounts as (

    select
        account_id,
        customer_account_id as customer_id
    from {{ ref('int_accounts_rolled_up') }}

),

meetings as (

    select
        accounts.customer_id,
        crm_tasks.activity_date
    from {{ ref('stg_salesforce__tasks') }} as crm_tasks
    inner join accounts
        on crm_tasks.account_id = accounts.account_id
    where
        crm_tasks.status = 'Completed'
        and crm_tasks.task_type in {{ health_in_list(var('health_engagement_meeting_task_types')) }}
        and crm_tasks.activity_date <= {{ as_of_date() }}

),

first_paid_days as (

    select distinct
        customer_id,
        first_paid_date
    from customer_days

),

{# A meeting counts in the windows of [activity_date, activity_date + window). #}
meeting_deltas as (

    select
        meetings.customer_id,
        greatest(meetings.activity_date, first_paid_days.first_paid_date) as date_day,
        1 as meetings_delta
    from meetings
    inner join first_paid_days
        on meetings.customer_id = first_paid_days.customer_id
    union all
    select
        meetings.customer_id,
        greatest(
            cast({{ dbt.dateadd('day', meeting_window_days, 'meetings.activity_date') }} as date),
            first_paid_days.first_paid_date
        ) as date_day,
        -1 as meetings_delta
    from meetings
    inner join first_paid_days
        on meetings.customer_id = first_paid_days.customer_id

),

meeting_deltas_by_day as (

    select
        customer_id,
        date_day,
        sum(meetings_delta) as meetings_delta
    from meeting_deltas
    group by 1, 2

),

meetings_by_day as (

    {{ health_running_totals('customer_days', 'meeting_deltas_by_day', [
        ['sum', 'meetings_delta', 'meetings_in_window'],
    ]) }}

),

parts as (

    select
        usage.customer_id,
        usage.date_day,
        usage.has_product_users,
        usage.days_since_last_activity,
        case
            when usage.active_users_30d > 0
                then cast(usage.active_user_days_30d as {{ type_double() }}) / (30.0 * usage.active_users_30d)
        end as stickiness_30d,
        cast(meetings_by_day.meetings_in_window as integer) as meetings_in_window,
        {{ health_recency_score(
            'usage.days_since_last_activity',
            var('health_engagement_recency_full_days'),
            var('health_engagement_recency_zero_days')
        ) }} as recency_score,
        case
            when usage.active_users_30d > 0
                then {{ health_ramp_up(
                    'cast(usage.active_user_days_30d as ' ~ type_double() ~ ') / (30.0 * usage.active_users_30d)',
                    var('health_engagement_target_stickiness')
                ) }}
            else 0.0
        end as frequency_score,
        {{ health_ramp_up(
            "meetings_by_day.meetings_in_window", var("health_engagement_target_meetings")
        ) }}
            as meetings_score
    from usage
    inner join meetings_by_day
        on
            usage.customer_id = meetings_by_day.customer_id
            and usage.date_day = meetings_by_day.date_day

),

final as (

    select
        customer_id,
        date_day,
        days_since_last_activity,
        stickiness_30d,
        meetings_in_window,
        recency_score,
        frequency_score,
        meetings_score,
        case
            when has_product_users
                then cast({{ round_double(health_weighted_mean('health_engagement_weights', {
                    'recency': 'recency_score',
                    'frequency': 'frequency_score',
                    'meetings': 'meetings_score',
                }), 2) }} as {{ type_double() }})
        end as engagement_score
    from parts

)

select * from final
