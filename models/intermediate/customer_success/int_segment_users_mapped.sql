{#- One row per product (Segment) user with the CRM account and customer it
    belongs to.

    Decisions (METRICS.md is silent):
    * A user belongs to the account of its latest group call (by grouped_at;
      tie: latest received_at, then greatest group_call_id), the rule
      stg_segment__groups documents. A later call moves the user for its
      whole history: the CRM keeps no history of who worked where, and
      re-grouping in the demo book is a correction, not a job change.
    * The customer is the account's ultimate parent after merges
      (int_accounts_rolled_up.customer_account_id), the same customer id the
      revenue spine uses for mapped billing customers.
    * Users with no group call, or whose account is not in salesforce.account,
      keep their row with customer_id null (account_id is kept as sent, null
      when there is no call): nothing is dropped, and the usage models simply
      ignore them (they cannot be attributed to a customer). -#}

with

users as (

    select
        user_id,
        email,
        department,
        role,
        created_at
    from {{ ref('stg_segment__users') }}

),

group_calls as (

    select
        group_call_id,
        user_id,
        account_id,
        grouped_at,
        received_at
    from {{ ref('stg_segment__groups') }}
    where user_id is not null

),

accounts as (

    select
        account_id,
        customer_account_id
    from {{ ref('int_accounts_rolled_up') }}

),

group_calls_ranked as (

    select
        group_calls.user_id,
        group_calls.account_id,
        row_number() over (
            partition by group_calls.user_id
            order by
                group_calls.grouped_at desc nulls last,
                group_calls.received_at desc nulls last,
                group_calls.group_call_id desc
        ) as call_rank
    from group_calls

),

latest_group_calls as (

    select
        user_id,
        account_id
    from group_calls_ranked
    where call_rank = 1

),

final as (

    select
        users.user_id,
        latest_group_calls.account_id,
        accounts.customer_account_id as customer_id,
        users.email as user_email,
        users.department,
        users.role,
        users.created_at as user_created_at
    from users
    left join latest_group_calls
        on users.user_id = latest_group_calls.user_id
    left join accounts
        on latest_group_calls.account_id = accounts.account_id

)

select * from final
