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
      customer has no product users (usage not measurable).

    Incremental (macros/health_incremental.sql; delete+insert on customer_id +
    date_day): the meeting deltas are recomputed every run and hashed; a customer
    whose deltas up to its last stored day, first paid day, this file or the
    engagement vars changed is recomputed from its first grid day; one whose grid or
    usage rows (int_health_usage_daily) were rewritten since this table last wrote from
    the first such day; every other customer from the day after its last stored day.
    Spark: a table. -#}

{%- set meeting_window_days = var('health_engagement_meeting_window_days') | int %}
{%- set is_refresh = incremental_relation_has_column('inputs_checksum') %}
{%- set config_hash = health_config_hash([
    'health_engagement_weights', 'health_engagement_recency_full_days', 'health_engagement_recency_zero_days',
    'health_engagement_target_stickiness', 'health_engagement_meeting_window_days',
    'health_engagement_target_meetings', 'health_engagement_meeting_task_types',
]) %}
{%- set delta_columns = [['sum', 'meetings_delta', 'meetings_delta']] %}

-- sqlfluff:indentation:template_blocks_indent:false

with

customer_days as (

    select
        customer_id,
        date_day,
        first_paid_date
    from {{ ref('int_health_customer_days') }}

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
        customer_id,
        activity_date as date_day,
        1 as meetings_delta
    from meetings
    union all
    select
        customer_id,
        cast({{ dbt.dateadd('day', meeting_window_days, 'activity_date') }} as date) as date_day,
        -1 as meetings_delta
    from meetings

),

meeting_deltas_by_day as (

    {{ health_deltas_by_day('meeting_deltas', 'first_paid_days', delta_columns, checksum=true) }}

),

{# The days this run writes: from each customer's recompute_from_date on. #}
refresh_scope as (

    {{ health_refresh_scope(
        is_refresh, 'first_paid_days', 'meeting_deltas_by_day', config_hash,
        upstreams=[ref('int_health_customer_days'), ref('int_health_usage_daily')]
    ) }}

),

deltas_in_scope as (

    {{ health_deltas_in_scope('meeting_deltas_by_day', 'refresh_scope', delta_columns) }}

),

customer_days_in_scope as (

    {{ health_grid_in_scope(ref('int_health_customer_days'), 'refresh_scope') }}

),

usage as (

    {{ health_grid_in_scope(ref('int_health_usage_daily'), 'refresh_scope', [
        'has_product_users', 'active_users_30d', 'active_user_days_30d', 'days_since_last_activity',
    ]) }}

),

meetings_by_day as (

    {{ health_running_totals('customer_days_in_scope', 'deltas_in_scope', [
        ['sum', 'meetings_delta', 'meetings_in_window'],
        ['sum', 'delta_hash', 'deltas_checksum'],
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
            as meetings_score,
        {{ config_hash }} + coalesce(meetings_by_day.deltas_checksum, 0) as inputs_checksum
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
        end as engagement_score,
        inputs_checksum,
        {{ run_started_at_timestamp() }} as loaded_at
    from parts

)

select * from final
