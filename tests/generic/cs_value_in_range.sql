{#- Fails for every row where the column lies outside [min_value, max_value]
    (either bound optional). Nulls pass (pair with not_null where null is wrong).
    Used by the voice-of-the-customer, onboarding, renewal and expansion marts
    (NPS -100..100, CSAT 0..1, CES 1..7, rates 0..1, days >= 0).
    Usage (column-level):
      data_tests:
        - cs_value_in_range:
            arguments: {min_value: -100, max_value: 100}
-#}
{% test cs_value_in_range(model, column_name, min_value=none, max_value=none) %}

select *
from {{ model }}
where
    false
    {%- if min_value is not none %}
    or {{ column_name }} < {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    or {{ column_name }} > {{ max_value }}
    {%- endif %}

{% endtest %}
