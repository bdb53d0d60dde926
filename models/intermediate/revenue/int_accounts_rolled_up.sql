{#- Every CRM account with the customer it belongs to (METRICS.md, "Grain and
    time"): merges are followed first (master_account_id, repeatedly, whatever
    is_deleted says), then parents (parent_account_id, any depth); the account
    where the walk ends is the customer.

    Decisions where METRICS.md is silent:
    * One walk, one hop rule: from an account go to its master when the master
      exists in salesforce.account, else to its parent when that exists, else stop.
      A merged account's own parent is therefore ignored (its survivor's applies),
      and a parent that was merged away leads on to its survivor.
    * A link naming an id that is not an account is ignored (the walk stops or,
      for a master, falls through to the parent).
    * Cycles (A -> B -> A, also a self-parent) cannot have a top; the customer is
      the smallest account id on the cycle, the same for every account that
      reaches it. The walk is bounded by var revenue_max_hierarchy_depth hops
      (a cycle must fit in it to be seen whole); a longer chain stops there and
      is flagged resolution = 'truncated'. -#}

{%- set max_depth = revenue_max_hierarchy_depth() %}

with

accounts as (

    select
        account_id,
        master_account_id,
        parent_account_id
    from {{ ref('stg_salesforce__accounts') }}

),

hops as (

    select
        accounts.account_id,
        case
            when masters.account_id is not null then masters.account_id
            when parents.account_id is not null then parents.account_id
        end as next_account_id,
        masters.account_id is not null as is_merged
    from accounts
    left join accounts as masters
        on accounts.master_account_id = masters.account_id
    left join accounts as parents
        on accounts.parent_account_id = parents.account_id

),

{# The walk, one row per start account and hop reached (macros/revenue_helpers.sql). #}
walk as (

    {{ revenue_hierarchy_walk('hops', max_depth) }}

),

{# An account is on a cycle when its own walk comes back to it. #}
accounts_on_cycles as (

    select distinct start_account_id as account_id
    from walk
    where hop_number > 0 and account_id = start_account_id

),

walk_lengths as (

    select
        start_account_id,
        max(hop_number) as last_hop_number
    from walk
    group by 1

),

walk_ends as (

    select
        walk.start_account_id,
        walk.account_id as end_account_id,
        walk.hop_number,
        hops.next_account_id is not null as has_next
    from walk
    inner join walk_lengths
        on
            walk.start_account_id = walk_lengths.start_account_id
            and walk.hop_number = walk_lengths.last_hop_number
    inner join hops
        on walk.account_id = hops.account_id

),

cycle_tops as (

    select
        walk.start_account_id,
        min(walk.account_id) as cycle_account_id
    from walk
    inner join accounts_on_cycles
        on walk.account_id = accounts_on_cycles.account_id
    group by 1

),

resolved as (

    select
        walk_ends.start_account_id as account_id,
        coalesce(cycle_tops.cycle_account_id, walk_ends.end_account_id) as customer_account_id,
        case
            when cycle_tops.cycle_account_id is not null then 'cycle'
            when walk_ends.has_next then 'truncated'
            else 'top'
        end as resolution,
        case when cycle_tops.cycle_account_id is null then walk_ends.hop_number end as hops_walked
    from walk_ends
    left join cycle_tops
        on walk_ends.start_account_id = cycle_tops.start_account_id

),

final as (

    select
        resolved.account_id,
        resolved.customer_account_id,
        hops.is_merged,
        resolved.resolution,
        resolved.hops_walked
    from resolved
    inner join hops
        on resolved.account_id = hops.account_id

)

select * from final
