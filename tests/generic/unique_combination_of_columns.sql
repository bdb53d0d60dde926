{#- Fails for every combination of the given columns that occurs more than once
    (dbt_utils' test of the same name; hub packages are not used here).
    Usage (model-level):
      data_tests:
        - unique_combination_of_columns:
            arguments:
              combination_of_columns: [subscription_id, version_start_at]

    Two passes, like the `unique` override (macros/test_unique_hashed.sql): count rows
    per 64-bit hash of the combination (fast_hash_columns: a hash table of integers),
    then group the real columns of the rows whose hash was seen more than once. Same
    failing rows as the one-pass GROUP BY (NULLs group together in both); a collision
    only makes the second pass re-check a few more rows. On the 10k bench the grain test
    of int_product_events_daily (4 columns, ~30M rows) was the dearest test (19 s).

    batch_column (optional): an incremental model's run stamp; only the combinations
    found among the rows written since the last run in which this test passed are
    counted, against every row (the scope and why it suffices: macro
    latest_batch_hash_filter, macros/test_unique_hashed.sql).
-#}
{% test unique_combination_of_columns(model, combination_of_columns, batch_column=none) %}

{%- set row_hash = fast_hash_columns(combination_of_columns) %}

with

repeated_hashes as (

    select {{ row_hash }} as row_hash
    from {{ model }}
    {%- if batch_column %}
    where
        true
        {{- latest_batch_hash_filter(
            model, row_hash, batch_column, batch_test_key('unique_combination_of_columns', combination_of_columns)
        ) }}
    {%- endif %}
    group by 1
    having count(*) > 1

),

candidates as (

    select
        {% for column_name in combination_of_columns -%}
        {{ column_name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where {{ row_hash }} in (select row_hash from repeated_hashes)

)

select
    {% for column_name in combination_of_columns -%}
    {{ column_name }},
    {% endfor -%}
    count(*) as n_rows
from candidates
group by {% for column_name in combination_of_columns -%}
    {{ column_name }}{{ ", " if not loop.last }}
{%- endfor %}
having count(*) > 1

{% endtest %}
