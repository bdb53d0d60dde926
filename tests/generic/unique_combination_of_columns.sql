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
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

repeated_hashes as (

    select {{ fast_hash_columns(combination_of_columns) }} as row_hash
    from {{ model }}
    group by 1
    having count(*) > 1

),

candidates as (

    select
        {% for column_name in combination_of_columns -%}
        {{ column_name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where {{ fast_hash_columns(combination_of_columns) }} in (select row_hash from repeated_hashes)

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
