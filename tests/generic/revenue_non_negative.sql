{#- Fails for every row where the column is below zero (METRICS.md: MRR never
    goes below 0; bridge contraction and churn are non-negative amounts).
    Nulls pass (pair with not_null where null is wrong too).
    Usage (column-level):
      data_tests:
        - revenue_non_negative
-#}
{% test revenue_non_negative(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
