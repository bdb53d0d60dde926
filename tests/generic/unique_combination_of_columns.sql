{#- Fails for every combination of the given columns that occurs more than once
    (dbt_utils' test of the same name; hub packages are not used here).
    Usage (model-level):
      data_tests:
        - unique_combination_of_columns:
            arguments:
              combination_of_columns: [subscription_id, version_start_at]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {% for column_name in combination_of_columns -%}
    {{ column_name }},
    {% endfor -%}
    count(*) as n_rows
from {{ model }}
group by {% for column_name in combination_of_columns -%}
    {{ column_name }}{{ ", " if not loop.last }}
{%- endfor %}
having count(*) > 1

{% endtest %}
