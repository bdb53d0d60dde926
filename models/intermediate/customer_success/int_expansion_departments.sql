{#- Usage spreading to new departments, per customer as of as_of_date: the
    departments (Segment identify trait) with activity in the last
    var expansion_new_department_recent_days days (as_of_date included) that
    had none in the var expansion_new_department_lookback_days days before.

    Decisions where METRICS.md is silent:
    * Activity = events the catalogue counts as activity, by users mapped to
      the customer (int_product_events_daily); a user's department is today's
      trait (int_segment_users_mapped); users without a department are ignored.
    * Only customers with activity in the lookback period can spread: for a
      customer that was not using the product before, every department is new,
      and that is onboarding, not expansion (new_departments is 0 for them).
    One row per customer with activity in either period. -#}

with

users as (

    select
        user_id,
        nullif(trim(department), '') as department
    from {{ ref('int_segment_users_mapped') }}

),

activity as (

    select
        customer_id,
        user_id,
        date_day
    from {{ ref('int_product_events_daily') }}
    where
        counts_as_activity
        and date_day <= {{ as_of_date() }}
        and date_day > cast(
            {{ dbt.dateadd(
                'day',
                '-' ~ (var('expansion_new_department_recent_days') | int + var('expansion_new_department_lookback_days') | int),
                as_of_date()
            ) }} as date
        )

),

department_periods as (

    select
        activity.customer_id,
        users.department,
        max(
            case
                when activity.date_day > cast(
                    {{ dbt.dateadd('day', '-' ~ var('expansion_new_department_recent_days'), as_of_date()) }} as date
                ) then 1 else 0
            end
        ) as is_recent,
        max(
            case
                when activity.date_day <= cast(
                    {{ dbt.dateadd('day', '-' ~ var('expansion_new_department_recent_days'), as_of_date()) }} as date
                ) then 1 else 0
            end
        ) as is_prior
    from activity
    inner join users
        on activity.user_id = users.user_id
    where users.department is not null
    group by 1, 2

),

customer_periods as (

    select
        customer_id,
        max(is_prior) as had_prior_activity
    from department_periods
    group by 1

),

final as (

    select
        department_periods.customer_id,
        cast(sum(department_periods.is_recent) as integer) as recent_departments,
        cast(sum(department_periods.is_prior) as integer) as prior_departments,
        cast(
            sum(
                case
                    when
                        customer_periods.had_prior_activity = 1
                        and department_periods.is_recent = 1
                        and department_periods.is_prior = 0
                        then 1
                    else 0
                end
            ) as integer
        ) as new_departments,
        {{ dbt.listagg(
            "case when customer_periods.had_prior_activity = 1 and department_periods.is_recent = 1 "
            ~ "and department_periods.is_prior = 0 then department_periods.department end",
            "', '",
            "order by department_periods.department"
        ) }} as new_department_names
    from department_periods
    inner join customer_periods
        on department_periods.customer_id = customer_periods.customer_id
    group by 1

)

select * from final
