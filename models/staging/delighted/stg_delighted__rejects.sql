{#- Every raw delighted row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_delighted__* models it accounts
    for every raw row. -#}

{{ staging_rejects_union([
    ['delighted.person', 'base_delighted__person'],
    ['delighted.survey_response', 'base_delighted__survey_response'],
]) }}
