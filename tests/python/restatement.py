"""Stripe history restated in place, the way a connector re-sync rewrites it: shared by the
incremental-equals-full tests on DuckDB (test_incremental.py) and PostgreSQL
(test_incremental_postgres.py). The SQL is written once for both engines: `~` with ^...$
anchors is a full match in both, `interval 'N days'` and a timestamp cast to varchar
('YYYY-MM-DD HH:MM:SS') read the same in both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

RESTATE_DAYS = 10
PLAIN_TS = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"

Execute = Callable[[str], list[tuple[Any, ...]]]


def candidates_sql(as_of: date) -> str:
    """Two single-contract customers whose grid starts on their first subscription version's
    (plain-text, active, at least 3 x RESTATE_DAYS long) start day, 60-170 days before as_of."""
    return f"""
        with single as (
            select customer_id, min(subscription_id) as subscription_id
            from intermediate.int_contracts_mapped
            where not is_customer_unmapped
            group by 1 having count(*) = 1
        ),
        grid_starts as (
            select customer_id, min(date_day) as first_day
            from intermediate.int_health_customer_days group by 1
        ),
        first_versions as (
            select id, _fivetran_start, _fivetran_end, status,
                   row_number() over (partition by id order by _fivetran_start) as n
            from stripe.subscription_history
            where _fivetran_start ~ '{PLAIN_TS}' and _fivetran_end ~ '{PLAIN_TS}'
        )
        select single.customer_id, single.subscription_id
        from single
        inner join grid_starts on grid_starts.customer_id = single.customer_id
        inner join first_versions on first_versions.id = single.subscription_id and first_versions.n = 1
        where first_versions.status = 'active'
          and cast(first_versions._fivetran_start as date) = grid_starts.first_day
          and cast(first_versions._fivetran_end as timestamp)
              > cast(first_versions._fivetran_start as timestamp) + interval '{3 * RESTATE_DAYS} days'
          and grid_starts.first_day between date '{(as_of - timedelta(days=170)).isoformat()}'
                                      and date '{(as_of - timedelta(days=60)).isoformat()}'
        order by single.subscription_id
        limit 2
    """


def shift_first_version_sql(table: str, key: str, value: str, days: int) -> str:
    """Move the earliest plain-text version start of `key = value` in `table` by `days`."""
    return f"""
        update {table}
        set _fivetran_start = cast(cast(_fivetran_start as timestamp) + interval '{days} days' as varchar)
        where {key} = '{value}'
          and _fivetran_start ~ '{PLAIN_TS}'
          and _fivetran_start = (select min(_fivetran_start) from {table} where {key} = '{value}')
    """


def restate_billing(execute: Execute, as_of: date) -> dict[str, str]:
    """One single-contract customer's first subscription version now starts RESTATE_DAYS later
    (its first paid day moves later); another's first subscription and item versions start
    RESTATE_DAYS earlier (its first paid day moves back). Returns {'later': customer,
    'earlier': customer}."""
    candidates = execute(candidates_sql(as_of))
    assert len(candidates) == 2, f"the book has no two single-contract customers to restate: {candidates}"
    (later_customer, later_sub), (earlier_customer, earlier_sub) = candidates
    execute(shift_first_version_sql("stripe.subscription_history", "id", str(later_sub), RESTATE_DAYS))
    execute(shift_first_version_sql("stripe.subscription_history", "id", str(earlier_sub), -RESTATE_DAYS))
    execute(shift_first_version_sql("stripe.subscription_item_history", "subscription_id", str(earlier_sub),
                                    -RESTATE_DAYS))
    return {"later": str(later_customer), "earlier": str(earlier_customer)}
