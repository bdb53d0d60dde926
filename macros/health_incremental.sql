{#- The incremental health chain (docs/architecture.md, "Incremental refresh"): the grid
    (int_health_customer_days), the sparse components and the daily mart recompute each
    customer only from the first day whose inputs changed. Two kinds of input:

    * stamped upstream rows: incremental models stamp the rows they write with loaded_at
      (the run's start); a model recomputes a customer from the earliest day of its
      upstream rows stamped after this model last wrote (its greatest loaded_at);
    * sparse inputs without stamps (Stripe, CRM, surveys): their dated deltas are
      recomputed on every run (they are small), hashed, and the running sum of the
      hashes is kept on every row (inputs_checksum, plus a hash of the vars and model
      SQL the values depend on). A customer whose checksum at its last stored day differs
      from the one recomputed now (a restatement, an edited case, a changed var) is
      recomputed from its first grid day; every other customer from the day after its
      last stored day, its running totals seeded with the sum of its deltas before it.

    A run that fails, or that does not select a model, leaves that model's watermark
    where it was: its next run picks up every upstream row stamped since. -#}

{#- A 64-bit hash of a row's values as decimal(38, 0): the running sum of millions of
    them fits on every engine (Spark's bigint sum would overflow). -#}
{% macro health_row_hash(columns) -%}
    cast({{ fast_hash_columns(columns) }} as decimal(38, 0))
{%- endmacro %}

{#- A constant (decimal(38, 0) literal) that changes when any of the vars named, or the
    calling model's SQL file, changes: part of every inputs_checksum, so editing a
    weight, a threshold or the model's rule recomputes every customer on the next run
    instead of leaving old days computed the old way. 0 where dbt's context is absent
    (sqlfluff). -#}
{% macro health_config_hash(var_names) -%}
    {%- set parts = [] -%}
    {%- for name in var_names -%}
        {%- do parts.append(name ~ '=' ~ tojson(var(name))) if tojson is defined -%}
    {%- endfor -%}
    {%- if model is defined and model is mapping and model.get('checksum') is mapping -%}
        {%- do parts.append('sql=' ~ model['checksum'].get('checksum', '')) -%}
    {%- endif -%}
    {%- set digest = local_md5(parts | join(';')) if local_md5 is defined else '0' -%}
    cast({{ digest[:15] | int(base=16) }} as decimal(38, 0))
{%- endmacro %}

{#- The select of a model's "refresh scope" CTE: one row per customer of
    `first_paid_days` (customer_id, first_paid_date: the grid's first day) with
    recompute_from_date, the first day the run writes. On a full build (`is_refresh`
    false: the model passes incremental_relation_has_column('inputs_checksum'), so that
    unit tests can override it) every customer's first grid day. On a refresh:
    * the first grid day when the customer is new to this table, its grid starts on
      another day than its stored rows, or the checksum of `deltas_by_day` (a "deltas
      by day" CTE with a delta_hash column, or none) up to its last stored day, plus
      `config_hash`, differs from the stored inputs_checksum of that day;
    * else the earliest day of `upstreams` (relations with customer_id, date_day and
      loaded_at) stamped after this table's greatest loaded_at, but no later than the
      day after its last stored day. For `global_upstreams` the earliest such day of any
      customer counts for every customer: int_product_events_daily replaces whole days,
      so a customer whose only row of a day went away (an event re-stamped to a later
      day) leaves no stamped row of its own, but the day's other rows are stamped.
    Rows of customers that left the grid are deleted by the post-hook
    (health_delete_rows_off_grid). -#}
{% macro health_refresh_scope(is_refresh, first_paid_days, deltas_by_day, config_hash, upstreams=[],
                              global_upstreams=[]) -%}
    {%- if not is_refresh -%}
    {{ return(health_full_scope(first_paid_days)) }}
    {%- endif -%}
    {#- Grouped by customer (one row each already): the engine then estimates one row per
        customer, not the product of the left joins, and builds its hash tables on the
        scope rather than on the 6.1M grid rows it is joined to (10k, the financial
        component's join to the grid: 0.58 s -> 0.06 s; its whole query 0.50 s -> 0.26 s). #}
    select
        customer_id,
        min(first_paid_date) as first_paid_date,
        min(recompute_from_date) as recompute_from_date
    from (
    select
        {{ first_paid_days }}.customer_id,
        {{ first_paid_days }}.first_paid_date,
        case
            when
                stored_customers.customer_id is null
                or stored_customers.first_date <> {{ first_paid_days }}.first_paid_date
                or stored_customers.inputs_checksum <> {{ config_hash }}
                {%- if deltas_by_day %} + coalesce(stored_customers.deltas_checksum, 0){% endif %}
                then {{ first_paid_days }}.first_paid_date
            {%- if upstreams %}
            when upstream_changes.changed_from_date < stored_customers.next_date
                then greatest(upstream_changes.changed_from_date, {{ first_paid_days }}.first_paid_date)
            {%- endif %}
            {%- if global_upstreams %}
            when global_changes.changed_from_date < stored_customers.next_date
                then greatest(global_changes.changed_from_date, {{ first_paid_days }}.first_paid_date)
            {%- endif %}
            else stored_customers.next_date
        end as recompute_from_date
    from {{ first_paid_days }}
    left join (
        {#- Each stored customer's range, its checksum on its last stored day, and the
            checksum of the deltas recomputed now up to that day. #}
        select
            last_days.customer_id,
            last_days.first_date,
            last_days.last_date,
            cast({{ dbt.dateadd('day', 1, 'last_days.last_date') }} as date) as next_date,
            stored_rows.inputs_checksum
            {%- if deltas_by_day %},
            sum({{ deltas_by_day }}.delta_hash) as deltas_checksum
            {%- endif %}
        from ({{ health_day_ranges(this) }}) as last_days
        inner join {{ this }} as stored_rows
            on
                last_days.customer_id = stored_rows.customer_id
                and last_days.last_date = stored_rows.date_day
        {%- if deltas_by_day %}
        left join {{ deltas_by_day }}
            on
                last_days.customer_id = {{ deltas_by_day }}.customer_id
                and {{ deltas_by_day }}.date_day <= last_days.last_date
        group by 1, 2, 3, 4, 5
        {%- endif %}
    ) as stored_customers
        on {{ first_paid_days }}.customer_id = stored_customers.customer_id
    {%- if upstreams %}
    left join (
        select
            customer_id,
            min(date_day) as changed_from_date
        from ({{ health_stamped_days(upstreams, ['customer_id', 'date_day']) }}) as stamped
        group by 1
    ) as upstream_changes
        on {{ first_paid_days }}.customer_id = upstream_changes.customer_id
    {%- endif %}
    {%- if global_upstreams %}
    cross join (
        select min(date_day) as changed_from_date
        from ({{ health_stamped_days(global_upstreams, ['date_day']) }}) as stamped
    ) as global_changes
    {%- endif %}
    ) as customer_scopes
    group by 1
{%- endmacro %}

{#- The rows of `relations` (each with loaded_at) stamped after this table's greatest
    loaded_at, as a union of their `columns`. -#}
{% macro health_stamped_days(relations, columns) -%}
    {%- for relation in relations %}
    select
        {{ columns | join(', ') }}
    from {{ relation }}
    where loaded_at > (
        select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) as watermark
        from {{ this }}
    )
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The select of the refresh scope on a full build: every customer from its first grid
    day. -#}
{% macro health_full_scope(first_paid_days) -%}
    select
        customer_id,
        first_paid_date,
        first_paid_date as recompute_from_date
    from {{ first_paid_days }}
{%- endmacro %}

{#- The deltas of `deltas_by_day` (as health_deltas_by_day returns them, with
    delta_hash) that a run needs: those of the customers in `scope`, a delta before the
    customer's recompute_from_date landing on it (the sum of the earlier deltas is the
    state the running totals restart from). columns: the [aggregate, delta_column,
    output_name] list given to health_deltas_by_day. -#}
{% macro health_deltas_in_scope(deltas_by_day, scope, columns) -%}
    select
        {{ deltas_by_day }}.customer_id,
        greatest({{ deltas_by_day }}.date_day, {{ scope }}.recompute_from_date) as date_day,
        {%- for aggregate, delta_column, output_name in columns %}
        {{ aggregate }}({{ deltas_by_day }}.{{ output_name }}) as {{ output_name }},
        {%- endfor %}
        sum({{ deltas_by_day }}.delta_hash) as delta_hash
    from {{ deltas_by_day }}
    inner join {{ scope }}
        on {{ deltas_by_day }}.customer_id = {{ scope }}.customer_id
    group by 1, 2
{%- endmacro %}

{#- The grid days a run writes: the rows of `grid` (the grid relation) on or after the
    customer's recompute_from_date in `scope`, with the grid's `columns`. -#}
{% macro health_grid_in_scope(grid, scope, columns=[]) -%}
    select
        grid_rows.customer_id,
        grid_rows.date_day,
        {%- for column in columns %}
        grid_rows.{{ column }},
        {%- endfor %}
        {{ scope }}.recompute_from_date
    from {{ grid }} as grid_rows
    inner join {{ scope }}
        on
            grid_rows.customer_id = {{ scope }}.customer_id
            and grid_rows.date_day >= {{ scope }}.recompute_from_date
{%- endmacro %}
