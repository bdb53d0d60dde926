{#- Acquisition-channel quality (issue 4, item 9): for every complete month m,
    how the customers each channel (CRM account_source) brought in retain over
    the trailing twelve months. A thin, read-friendly view of the
    acquisition_channel rows of fct_revenue_retention, so the numbers are the
    retention mart's own (never recomputed differently), side by side with the
    whole book's rates for the same month.

    Decisions where METRICS.md is silent:
    * logo_churn_12m = 1 - logo_retention_12m and gross_mrr_churn_12m =
      1 - grr_12m (ChartMogul's "customer churn rate" and "gross MRR churn
      rate" over a 12-month cohort); null when the rate is null.
    * The channel is the customer's at the cohort start (as in the retention
      mart); customers without one are 'unknown'.
    * share_of_cohort_mrr tells how much of the book's cohort revenue the
      channel carries, so a tiny channel's extreme rate is read in context. -#}

with

retention as (

    select * from {{ ref('fct_revenue_retention') }}

),

channel_rows as (

    select
        month,
        segment_value as acquisition_channel,
        cohort_customers,
        cohort_mrr,
        nrr_12m,
        grr_12m,
        logo_retention_12m
    from retention
    where segment_type = 'acquisition_channel'

),

book_rows as (

    select
        month,
        cohort_mrr as book_cohort_mrr,
        nrr_12m as book_nrr_12m,
        grr_12m as book_grr_12m,
        logo_retention_12m as book_logo_retention_12m
    from retention
    where segment_type = 'all'

),

final as (

    select
        channel_rows.month,
        channel_rows.acquisition_channel,
        channel_rows.cohort_customers,
        channel_rows.cohort_mrr,
        channel_rows.nrr_12m,
        channel_rows.grr_12m,
        channel_rows.logo_retention_12m,
        1 - channel_rows.logo_retention_12m as logo_churn_12m,
        1 - channel_rows.grr_12m as gross_mrr_churn_12m,
        case
            when book_rows.book_cohort_mrr > 0
                then
                    cast(channel_rows.cohort_mrr as {{ type_double() }})
                    / cast(book_rows.book_cohort_mrr as {{ type_double() }})
        end as share_of_cohort_mrr,
        book_rows.book_nrr_12m,
        book_rows.book_grr_12m,
        book_rows.book_logo_retention_12m,
        channel_rows.nrr_12m - book_rows.book_nrr_12m as nrr_12m_vs_book
    from channel_rows
    inner join book_rows
        on channel_rows.month = book_rows.month

)

select * from final
