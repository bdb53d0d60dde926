{#- A raw table fails the run when more than var('max_reject_share') of its rows is
    rejected, duplicates from at-least-once delivery excluded (dbt_project.yml). -#}

select
    source_table,
    raw_rows,
    rejected_rows,
    duplicate_rows,
    rejected_share_excl_duplicates,
    {{ var('max_reject_share') }} as max_reject_share
from {{ ref('stg_raw_row_accounting') }}
where rejected_share_excl_duplicates > {{ var('max_reject_share') }}
