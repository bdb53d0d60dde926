{#- Onboarding per customer: one row per customer that has paid on or before
    as_of_date, from its first paid date (day 0; int_onboarding_customers: the
    first day a contract is in a revenue status with MRR > 0, the daily form of
    the revenue spine's first month with MRR > 0).

    * Each catalogue milestone in var onboarding_milestones: the first day a user
      of the customer reached it and days from the first paid date. Reached
      before paying (in a trial) = day 0 (days are never negative). Not reached
      yet = null.
    * Setup: complete on the day the last of var onboarding_setup_milestones is
      reached (null until all are).
    * Time to first value: days to the first key-feature event (catalogue
      is_key_feature).
    * Onboarding complete: every milestone of var onboarding_milestones reached;
      the day the last one was.
    * Seats activated by each checkpoint of var onboarding_seat_checkpoint_days
      (int_onboarding_seat_activation): licensed seats that day, users with any
      activity by then and their ratio; null while the checkpoint is after
      as_of_date.
    The columns follow the vars; the contract lists the defaults, so changing
    either var means updating the contract too (a failing build says so). -#}

{%- set milestones = cs_list_var('onboarding_milestones', ['workspace_created']) %}
{%- set setup_milestones = cs_list_var('onboarding_setup_milestones', ['workspace_created']) %}
{%- set checkpoints = cs_list_var('onboarding_seat_checkpoint_days', [30, 60, 90]) | map('int') | list %}

with

customers as (

    select * from {{ ref('int_onboarding_customers') }}

),

milestones_reached as (

    select
        customer_id,
        milestone,
        reached_date
    from {{ ref('int_onboarding_milestones_reached') }}

),

seat_activation as (

    select
        customer_id,
        checkpoint_days,
        licensed_seats,
        seats_activated,
        seat_activation_rate
    from {{ ref('int_onboarding_seat_activation') }}

),

milestones_pivoted as (

    select
        customer_id,
        {%- for milestone in milestones %}
            min(case when milestone = '{{ milestone }}' then reached_date end) as {{ milestone }}_date,
        {%- endfor %}
        min(case when milestone = 'first_key_feature' then reached_date end) as first_key_feature_date,
        count(
            distinct case when milestone in ({{ cs_sql_in_list(milestones) }}) then milestone end
        ) as milestones_reached,
        count(
            distinct case when milestone in ({{ cs_sql_in_list(setup_milestones) }}) then milestone end
        ) as setup_milestones_reached,
        max(case when milestone in ({{ cs_sql_in_list(milestones) }}) then reached_date end)
            as last_milestone_date,
        max(case when milestone in ({{ cs_sql_in_list(setup_milestones) }}) then reached_date end)
            as last_setup_milestone_date
    from milestones_reached
    group by customer_id

),

seats_pivoted as (

    select
        {%- for days in checkpoints %}
            max(case when checkpoint_days = {{ days }} then licensed_seats end) as licensed_seats_{{ days }}d,
            max(case when checkpoint_days = {{ days }} then seats_activated end) as seats_activated_{{ days }}d,
            max(case when checkpoint_days = {{ days }} then seat_activation_rate end)
                as seat_activation_rate_{{ days }}d,
        {%- endfor %}
        customer_id
    from seat_activation
    group by customer_id

),

customer_milestones as (

    select
        customers.customer_id,
        customers.first_paid_date,
        customers.first_paid_month,
        customers.is_customer_unmapped,
        {%- for milestone in milestones %}
            milestones_pivoted.{{ milestone }}_date,
        {%- endfor %}
        milestones_pivoted.first_key_feature_date,
        coalesce(milestones_pivoted.milestones_reached, 0) as milestones_reached,
        case
            when milestones_pivoted.setup_milestones_reached = {{ setup_milestones | length }}
                then milestones_pivoted.last_setup_milestone_date
        end as setup_completed_date,
        case
            when milestones_pivoted.milestones_reached = {{ milestones | length }}
                then milestones_pivoted.last_milestone_date
        end as onboarding_completed_date
    from customers
    left join milestones_pivoted
        on customers.customer_id = milestones_pivoted.customer_id

),

{# Days from the first paid date; reached before paying (trial) = day 0. #}
milestone_days as (

    select
        customer_milestones.*,
        {%- for milestone in milestones %}
            {{ cs_days_from('first_paid_date', milestone ~ '_date') }} as days_to_{{ milestone }},
        {%- endfor %}
        {{ cs_days_from('first_paid_date', 'setup_completed_date') }} as days_to_setup,
        {{ cs_days_from('first_paid_date', 'first_key_feature_date') }} as days_to_first_value,
        {{ cs_days_from('first_paid_date', 'onboarding_completed_date') }} as days_to_onboarding_complete,
        cast({{ dbt.datediff('first_paid_date', as_of_date(), 'day') }} as integer) as days_since_first_paid
    from customer_milestones

),

final as (

    select
        milestone_days.customer_id,
        milestone_days.first_paid_date,
        milestone_days.first_paid_month,
        milestone_days.days_since_first_paid,
        milestone_days.is_customer_unmapped,
        {%- for milestone in milestones %}
            milestone_days.{{ milestone }}_date,
            milestone_days.days_to_{{ milestone }},
        {%- endfor %}
        milestone_days.setup_completed_date,
        milestone_days.days_to_setup,
        milestone_days.first_key_feature_date,
        milestone_days.days_to_first_value,
        {%- for days in checkpoints %}
            cast(seats_pivoted.licensed_seats_{{ days }}d as integer) as licensed_seats_{{ days }}d,
            cast(seats_pivoted.seats_activated_{{ days }}d as integer) as seats_activated_{{ days }}d,
            cast(
                seats_pivoted.seat_activation_rate_{{ days }}d as {{ type_double() }}
            ) as seat_activation_rate_{{ days }}d,
        {%- endfor %}
        cast(milestone_days.milestones_reached as integer) as milestones_reached,
        cast({{ milestones | length }} as integer) as milestones_total,
        milestone_days.onboarding_completed_date is not null as is_onboarding_complete,
        milestone_days.onboarding_completed_date,
        milestone_days.days_to_onboarding_complete
    from milestone_days
    left join seats_pivoted
        on milestone_days.customer_id = seats_pivoted.customer_id

)

select * from final
