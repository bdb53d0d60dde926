{#- Fails for every row where the column is outside [min_value, max_value]
    (inclusive). Nulls pass (pair with not_null where null is wrong too).
    Usage (column-level):
      data_tests:
        - value_between:
            arguments:
              min_value: 0
              max_value: 100
-#}
{% test value_between(model, column_name, min_value, max_value) %}

select *
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}

{% endtest %}
