{#- int_product_events_daily is incremental: an incremental run never deletes days after
    as_of_date, so a run with an earlier as_of_date than the table was built for would leave
    them in place. Returns those days; the fix is `--full-refresh`. -#}

select
    date_day,
    count(*) as stale_rows
from {{ ref('int_product_events_daily') }}
where date_day > {{ as_of_date() }}
group by 1
