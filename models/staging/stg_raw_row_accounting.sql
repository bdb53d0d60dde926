{#- One row per raw table of the four sources: raw rows = staged rows + rejected
    rows (tests/singular/assert_raw_rows_accounted_for.sql), and the share of
    rows rejected for reasons other than duplicates
    (tests/singular/assert_reject_share_below_threshold.sql). The raw table ->
    staging model map is macros/raw_accounting.sql::raw_table_staging_models. -#}

{{ raw_row_accounting(raw_table_staging_models()) }}
