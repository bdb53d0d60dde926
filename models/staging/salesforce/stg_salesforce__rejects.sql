{#- Every raw salesforce row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_salesforce__* models it accounts
    for every raw row. -#}

{{ staging_rejects_union([
    ['salesforce.account', 'base_salesforce__account'],
    ['salesforce.contact', 'base_salesforce__contact'],
    ['salesforce.user', 'base_salesforce__user'],
    ['salesforce.opportunity', 'base_salesforce__opportunity'],
    ['salesforce.case', 'base_salesforce__case'],
    ['salesforce.task', 'base_salesforce__task'],
]) }}
