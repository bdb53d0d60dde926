{#- Every raw segment row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_segment__* models it accounts
    for every raw row. -#}

{{ staging_rejects_union([
    ['segment.users', 'base_segment__users'],
    ['segment.groups', 'base_segment__groups'],
    ['segment.tracks', 'base_segment__tracks'],
]) }}
