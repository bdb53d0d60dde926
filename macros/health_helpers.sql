{#- Helpers for the health score (models/intermediate/customer_success int_health_*,
    models/marts/customer_success fct_customer_health_* / fct_health_*). Portable SQL
    only (greatest/least, case). -#}

{#- A 0-100 score that is 100 at or above `target` and falls linearly to 0 at 0:
    100 * least(value / target, 1); 0 for a null value. -#}
{% macro health_ramp_up(value, target) -%}
    (100.0 * least(coalesce(cast({{ value }} as {{ type_double() }}), 0) / cast({{ target }} as {{ type_double() }}), 1.0))
{%- endmacro %}

{#- A 0-100 score from an age in days: 100 up to `full_days`, 0 from `zero_days`,
    linear in between; 0 for a null age (never happened). -#}
{% macro health_recency_score(days, full_days, zero_days) -%}
    (case
        when {{ days }} is null then 0.0
        when {{ days }} <= {{ full_days }} then 100.0
        when {{ days }} >= {{ zero_days }} then 0.0
        else 100.0 * cast({{ zero_days }} - {{ days }} as {{ type_double() }}) / cast({{ zero_days }} - {{ full_days }} as {{ type_double() }})
    end)
{%- endmacro %}

{#- A penalty of up to `points`, full when value reaches `max_value`:
    points * least(value / max_value, 1); 0 for a null value. -#}
{% macro health_penalty(value, max_value, points) -%}
    ({{ points }} * least(coalesce(cast({{ value }} as {{ type_double() }}), 0) / cast({{ max_value }} as {{ type_double() }}), 1.0))
{%- endmacro %}

{#- True when the text contains any of the keywords (case-insensitive); false for
    an empty keyword list or null text. -#}
{% macro health_matches_keywords(text_expression, keywords) -%}
    {%- if keywords is string -%}{%- set keywords = [keywords] -%}{%- endif -%}
    coalesce((
        {%- for keyword in keywords %}
        lower({{ text_expression }}) like '%{{ keyword | lower }}%'{{ " or" if not loop.last }}
        {%- endfor %}
        {%- if keywords | length == 0 %}1 = 0{% endif %}
    ), false)
{%- endmacro %}

{#- A SQL list literal of strings from a var list: ('a', 'b'). -#}
{% macro health_in_list(values) -%}
    {%- if values is string -%}{%- set values = [values] -%}{%- endif -%}
    ({%- for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- One weight of a var dict such as health_weights, as a number. sqlfluff's var()
    stand-in is text: lint renders 1. -#}
{% macro health_weight(var_name, key) -%}
    {%- set weights = var(var_name) -%}
    {%- if weights is mapping -%}{{ weights[key] }}{%- else -%}1{%- endif -%}
{%- endmacro %}

{#- The band of a 0-100 score: red < health_band_yellow_min <= yellow <
    health_band_green_min <= green; null for a null score. -#}
{% macro health_band(score) -%}
    case
        when {{ score }} >= {{ var('health_band_green_min') }} then 'green'
        when {{ score }} >= {{ var('health_band_yellow_min') }} then 'yellow'
        when {{ score }} is not null then 'red'
    end
{%- endmacro %}

{#- Trailing-window coverage per customer and day, as the edges of merged ranges.
    `relation` holds one row per key and day (date_day) something happened, and
    key_columns start with customer_id; a day covers [date_day, date_day +
    window_days) (the trailing window of every day in it contains the event).
    Overlapping or touching coverages of one key merge into one range. Returns one row
    per customer_id and date_day of `relation`: active_keys (the keys with a row that
    day), coverage_starts (merged ranges starting on date_day: no earlier day of the
    key within window_days) and coverage_ends (merged ranges ending at date_day +
    window_days, exclusive: no later day of the key within window_days). +1 per start
    and -1 per end, summed cumulatively over a day grid, counts the keys active in the
    trailing window: a distinct count over a window without joining events to days.
    Both flags come from one window pass (lag and lead share its partition and order)
    and are summed per customer and day here, so callers make a few delta rows per
    customer and day, not two per key-day. (Numbering the islands with a running sum
    and grouping them took a second window, and every key-day made two delta rows: 10k
    bench, int_health_usage_daily alone 67.8-70.1 s -> 30.5-34.4 s, same rows;
    docs/architecture.md.) -#}
{% macro health_coverage_by_day(relation, key_columns, window_days) -%}
    select
        customer_id,
        date_day,
        count(*) as active_keys,
        sum(coverage_starts) as coverage_starts,
        sum(coverage_ends) as coverage_ends
    from (
        select
            {% for key in key_columns %}{{ key }},
            {% endfor -%}
            date_day,
            case
                when lag(date_day) over (
                    partition by {{ key_columns | join(', ') }} order by date_day
                ) >= cast({{ dbt.dateadd('day', -1 * window_days, 'date_day') }} as date)
                    then 0
                else 1
            end as coverage_starts,
            case
                when lead(date_day) over (
                    partition by {{ key_columns | join(', ') }} order by date_day
                ) <= cast({{ dbt.dateadd('day', window_days, 'date_day') }} as date)
                    then 0
                else 1
            end as coverage_ends
        from {{ relation }}
    ) as flagged
    group by 1, 2
{%- endmacro %}

{#- The weighted mean of sub-scores that are never null: sum(w * x) / sum(w), with
    the weights of var `var_name` (a dict) for the given keys; `parts` maps each key
    to its SQL expression. -#}
{% macro health_weighted_mean(var_name, parts) -%}
    (
        {%- for key, expression in parts.items() %}
        {{ expression }} * {{ health_weight(var_name, key) }}{{ " +" if not loop.last }}
        {%- endfor %}
    ) / ({% for key in parts.keys() %}{{ health_weight(var_name, key) }}{{ " + " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- A 0-100 score rising linearly from 0 at `zero_at` to 100 at `full_at`
    (clamped at both ends); 0 for a null value. -#}
{% macro health_scale(value, zero_at, full_at) -%}
    (100.0 * least(greatest(
        (coalesce(cast({{ value }} as {{ type_double() }}), {{ zero_at }}) - {{ zero_at }})
        / (cast({{ full_at }} as {{ type_double() }}) - {{ zero_at }}),
        0.0
    ), 1.0))
{%- endmacro %}

{#- The select of a health model's "deltas by day" CTE: the dated deltas of
    `deltas` (customer_id, date_day, ...) summed per customer and day, a delta before
    the customer's first paid day landing on it (their sum is the state then; days
    before it are not on the grid). `first_paid_days`: one row per customer with
    first_paid_date. columns: a list of [aggregate, delta_column, output_name].
    checksum=true adds delta_hash, a hash of the day and its values (sums rounded to 9
    places, so the order of a floating-point sum cannot change it): the incremental
    models' inputs_checksum is its running sum (macros/health_incremental.sql). -#}
{% macro health_deltas_by_day(deltas, first_paid_days, columns, checksum=false) -%}
    select
        {{ deltas }}.customer_id,
        greatest({{ deltas }}.date_day, {{ first_paid_days }}.first_paid_date) as date_day,
        {%- for aggregate, delta_column, output_name in columns %}
        {{ aggregate }}({{ deltas }}.{{ delta_column }}) as {{ output_name }}{{ "," if checksum or not loop.last }}
        {%- endfor %}
        {%- if checksum %}
        {%- set hashed = ['greatest(' ~ deltas ~ '.date_day, ' ~ first_paid_days ~ '.first_paid_date)'] %}
        {%- for aggregate, delta_column, output_name in columns %}
            {%- if aggregate == 'sum' %}
                {%- do hashed.append(round_double('sum(' ~ deltas ~ '.' ~ delta_column ~ ')', 9)) %}
            {%- else %}
                {%- do hashed.append(aggregate ~ '(' ~ deltas ~ '.' ~ delta_column ~ ')') %}
            {%- endif %}
        {%- endfor %}
        {{ health_row_hash(hashed) }} as delta_hash
        {%- endif %}
    from {{ deltas }}
    inner join {{ first_paid_days }}
        on {{ deltas }}.customer_id = {{ first_paid_days }}.customer_id
    group by 1, 2
{%- endmacro %}

{#- The select of each customer's first and last day in `relation` (customer_id,
    date_day): customer_id, first_date, last_date. -#}
{% macro health_day_ranges(relation) -%}
    select
        customer_id,
        min(date_day) as first_date,
        max(date_day) as last_date
    from {{ relation }}
    group by 1
{%- endmacro %}

{#- The select of a health model's "<inputs> by day" CTE: every row of the grid
    (customer_id, date_day, plus grid_columns) with running totals of dated deltas,
    from the customer's first grid day through the day. totals: a list of
    [aggregate, delta_column, output_name]; 'sum' adds the deltas (null as 0: a
    trailing-window count kept as +1 / -1 changes), 'max' keeps the greatest value
    so far (e.g. the latest touch date). deltas must be one row per customer and day;
    only deltas on a grid day count. Each customer's grid days must be one unbroken
    range (the health grid is: first paid day through as_of_date). sparse_deltas=false
    keeps the window over the grid on every engine: for deltas on most days (daily
    usage) it is the cheaper form. -#}
{% macro health_running_totals(grid, deltas, totals, grid_columns=[], sparse_deltas=true) -%}
    {%- if sparse_deltas %}
    {{ return(adapter.dispatch('health_running_totals', 'b2b_loyalty')(grid, deltas, totals, grid_columns)) }}
    {%- else %}
    {{ return(default__health_running_totals(grid, deltas, totals, grid_columns)) }}
    {%- endif %}
{%- endmacro %}

{#- Portable: the deltas left-joined to every grid row, then windows over the grid. -#}
{% macro default__health_running_totals(grid, deltas, totals, grid_columns=[]) -%}
    select
        {{ grid }}.customer_id,
        {{ grid }}.date_day,
        {%- for column in grid_columns %}
        {{ grid }}.{{ column }},
        {%- endfor %}
        {%- for aggregate, delta_column, output_name in totals %}
        {%- if aggregate == 'sum' %}
        sum(coalesce({{ deltas }}.{{ delta_column }}, 0)) over (
        {%- else %}
        {{ aggregate }}({{ deltas }}.{{ delta_column }}) over (
        {%- endif %}
            partition by {{ grid }}.customer_id
            order by {{ grid }}.date_day
            rows between unbounded preceding and current row
        ) as {{ output_name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ grid }}
    left join {{ deltas }}
        on
            {{ grid }}.customer_id = {{ deltas }}.customer_id
            and {{ grid }}.date_day = {{ deltas }}.date_day
{%- endmacro %}

{#- DuckDB: the same rows from the sparse deltas. The running totals are taken over
    each customer's change days only (its first grid day plus the days with a delta),
    each change day's state holds until the next change day, and a range join with the
    grid's days spreads the states over the days (DuckDB plans it as an IEJoin). At 10k
    customers the window over 6.1M grid rows was 6.5 of the 7.1 CPU seconds of
    int_health_customer_days (3.6 s); this form takes 0.9 s for the same rows (the six sparse
    models, run alone: 20.4 s -> 8.5 s; identical rows and types, doubles included). A
    day without a change adds nothing where the grid form adds 0. grid_columns come
    from a join back to the grid. -#}
{% macro duckdb__health_running_totals(grid, deltas, totals, grid_columns=[]) -%}
    {%- set ranges = '(' ~ health_day_ranges(grid) ~ ')' %}
    select
        spans.customer_id,
        grid_days.date_day,
        {%- for column in grid_columns %}
        {{ grid }}.{{ column }},
        {%- endfor %}
        {%- for aggregate, delta_column, output_name in totals %}
        spans.{{ output_name }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            customer_id,
            date_day as start_date,
            coalesce(
                lead(date_day) over (partition by customer_id order by date_day),
                cast({{ dbt.dateadd('day', 1, 'last_date') }} as date)
            ) as end_date,
            {%- for aggregate, delta_column, output_name in totals %}
            {{ aggregate }}({{ delta_column }}) over (
                partition by customer_id
                order by date_day
                rows between unbounded preceding and current row
            ) as {{ output_name }}{{ "," if not loop.last }}
            {%- endfor %}
        from (
            select
                changes.customer_id,
                changes.date_day,
                max(changes.last_date) as last_date,
                {%- for aggregate, delta_column, output_name in totals %}
                {%- if aggregate == 'sum' %}
                sum(coalesce(changes.{{ delta_column }}, 0)) as {{ delta_column }}{{ "," if not loop.last }}
                {%- else %}
                {{ aggregate }}(changes.{{ delta_column }}) as {{ delta_column }}{{ "," if not loop.last }}
                {%- endif %}
                {%- endfor %}
            from (
                select
                    customer_id,
                    first_date as date_day,
                    last_date,
                    {%- for aggregate, delta_column, output_name in totals %}
                    null as {{ delta_column }}{{ "," if not loop.last }}
                    {%- endfor %}
                from {{ ranges }} as first_days
                union all
                select
                    {{ deltas }}.customer_id,
                    {{ deltas }}.date_day,
                    delta_ranges.last_date,
                    {%- for aggregate, delta_column, output_name in totals %}
                    {{ deltas }}.{{ delta_column }}{{ "," if not loop.last }}
                    {%- endfor %}
                from {{ deltas }}
                inner join {{ ranges }} as delta_ranges
                    on
                        {{ deltas }}.customer_id = delta_ranges.customer_id
                        and {{ deltas }}.date_day >= delta_ranges.first_date
                        and {{ deltas }}.date_day <= delta_ranges.last_date
            ) as changes
            group by 1, 2
        ) as change_days
    ) as spans
    inner join (select distinct date_day from {{ grid }}) as grid_days
        on
            grid_days.date_day >= spans.start_date
            and grid_days.date_day < spans.end_date
    {%- if grid_columns %}
    inner join {{ grid }}
        on
            spans.customer_id = {{ grid }}.customer_id
            and grid_days.date_day = {{ grid }}.date_day
    {%- endif %}
{%- endmacro %}

{#- Post-hook of an incremental health model keyed on the grid (customer_id, date_day):
    deletes its rows that are no longer on the grid (int_health_customer_days: one row
    per customer and day from the first paid day through as_of_date, so a customer's
    days are one range). Such rows appear when a billing restatement moves a first paid
    day later or a customer leaves the grid; delete+insert only replaces the keys it
    recomputes. Nothing on a full refresh or on a table (Spark). -#}
{% macro health_delete_rows_off_grid() -%}
    {{ health_delete_rows_outside(health_day_ranges(ref('int_health_customer_days'))) }}
{%- endmacro %}

{#- The same post-hook for the grid itself (int_health_customer_days): its range is each
    customer's first paid day (int_health_contract_states, as the model computes it)
    through as_of_date. -#}
{% macro health_delete_grid_rows_off_range() -%}
    {%- set grid_ranges -%}
        select
            customer_id,
            min(valid_from_date) as first_date,
            {{ as_of_date() }} as last_date
        from {{ ref('int_health_contract_states') }}
        where is_paying
        group by 1
    {%- endset -%}
    {{ health_delete_rows_outside(grid_ranges) }}
{%- endmacro %}

{#- Deletes the rows of this incremental model outside the day range of their customer
    in `grid_ranges` (a select of customer_id, first_date, last_date). Only customers whose
    stored range is not inside their grid range are touched: the delete joins their
    few keys instead of testing every stored row against the ranges (10k customers:
    0.9 s -> 0.02 s for 6.1M rows). -#}
{% macro health_delete_rows_outside(grid_ranges) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as health_rows
    using (
        select
            stored_ranges.customer_id,
            grid_ranges.first_date,
            grid_ranges.last_date
        from ({{ health_day_ranges(this) }}) as stored_ranges
        left join ({{ grid_ranges }}) as grid_ranges
            on stored_ranges.customer_id = grid_ranges.customer_id
        where
            grid_ranges.customer_id is null
            or stored_ranges.first_date < grid_ranges.first_date
            or stored_ranges.last_date > grid_ranges.last_date
    ) as off_grid
    where
        health_rows.customer_id = off_grid.customer_id
        and (
            off_grid.first_date is null
            or health_rows.date_day < off_grid.first_date
            or health_rows.date_day > off_grid.last_date
        )
    {%- endif -%}
{%- endmacro %}
