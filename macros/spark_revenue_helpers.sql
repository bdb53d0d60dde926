{#- Apache Spark implementations of the account hierarchy walk (revenue_helpers.sql).

    Spark inlines every reference to a deterministic CTE, so a walk built from
    revenue_max_hierarchy_depth self-joins over `hops` (read four times by
    int_accounts_rolled_up) becomes a plan of thousands of joins: Catalyst ran out of
    memory after 15 minutes on a 42-account book. Here the walk is one pass with no
    joins: the hops are collected into one map (account_id -> next_account_id) and
    each start account follows it max_depth times with higher-order functions (a
    lookup of null is null: the walk stops). Same rows as the default. -#}

{% macro spark__revenue_hierarchy_walk(hops_relation, max_depth) -%}
    {#- The unpivot is one generator (stack) over one read of the paths, not a union
        of max_depth + 1 reads. -#}
    select
        start_account_id,
        account_id,
        hop_number
    from (
        select
            start_account_id,
            stack(
                {{ max_depth + 1 }}
                {%- for k in range(0, max_depth + 1) %},
                {{ k }}, account_id_{{ k }}
                {%- endfor %}
            ) as (hop_number, account_id)
        from ({{ spark_revenue_hierarchy_walk_paths(hops_relation, max_depth) }}) as walk_steps
    ) as walk_rows
    where account_id is not null
{%- endmacro %}

{#- One row per start account with account_id_0 .. account_id_<max_depth>, the
    account k hops from the start (null once the walk has stopped). -#}
{% macro spark_revenue_hierarchy_walk_paths(hops_relation, max_depth) -%}
    select
        walk_paths.start_account_id
        {%- for k in range(0, max_depth + 1) %},
        walk_paths.account_path[{{ k }}] as account_id_{{ k }}
        {%- endfor %}
    from (
        select
            hops.account_id as start_account_id,
            aggregate(
                sequence(1, {{ max_depth }}),
                array(cast(hops.account_id as string)),
                (account_path, k) -> concat(
                    account_path, array(next_by_account.next_account_ids[account_path[k - 1]])
                )
            ) as account_path
        from {{ hops_relation }} as hops
        cross join (
            select map_from_entries(collect_list(struct(account_id, next_account_id))) as next_account_ids
            from {{ hops_relation }}
            where account_id is not null
        ) as next_by_account
    ) as walk_paths
{%- endmacro %}
