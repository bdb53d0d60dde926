"""What the incremental-equals-full tests on DuckDB (test_incremental.py) and PostgreSQL
(test_incremental_postgres.py) share: Stripe history restated in place, the way a connector
re-sync rewrites it, and the comparison of the two warehouses. Each test passes a function
that runs one SQL statement on its engine and returns the rows. The SQL is written once for
both engines: `~` with ^...$ anchors is a full match in both, `interval 'N days'` and a
timestamp cast to varchar ('YYYY-MM-DD HH:MM:SS') read the same in both."""

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


# -- comparing the incremental warehouse with its full refresh ---------------------------------

COMPARED_INTERMEDIATES = ("staging.base_segment__tracks", "intermediate.int_product_events_daily",
                          "intermediate.int_health_usage_daily")
# When a row was written, not what it says: differs between the two warehouses by design.
RUN_STAMP_COLUMNS = ("loaded_at", "events_loaded_through")


def compared_relations(execute: Execute) -> list[str]:
    """The incremental models and every marts table (at least 20)."""
    marts = [f"marts.{name}" for (name,) in execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1")]
    assert len(marts) >= 20, marts
    return [*COMPARED_INTERMEDIATES, *marts]


def table_rows(execute: Execute, relation: str) -> list[tuple[Any, ...]]:
    """Every row of `relation` without the run-stamp columns, sorted."""
    schema, name = relation.split(".")
    columns = [c for (c,) in execute(
        "select column_name from information_schema.columns "
        f"where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position")
        if c not in RUN_STAMP_COLUMNS]
    assert columns, f"{relation} has no columns"
    quoted = ", ".join(f'"{c}"' for c in columns)
    return sorted(execute(f"select {quoted} from {relation}"), key=repr)


def differences(relations: list[str], incremental: Execute, full: Execute) -> list[str]:
    """One line per relation whose rows differ, with up to three rows from each side."""
    differing = []
    for relation in relations:
        inc_rows, full_rows = table_rows(incremental, relation), table_rows(full, relation)
        if inc_rows != full_rows:
            only_inc = sorted(set(inc_rows) - set(full_rows), key=repr)[:3]
            only_full = sorted(set(full_rows) - set(inc_rows), key=repr)[:3]
            differing.append(f"{relation}: {len(inc_rows)} vs {len(full_rows)} rows; "
                             f"incremental only {only_inc}; full only {only_full}")
    return differing
