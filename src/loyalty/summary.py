"""What is in the warehouse: the demo's closing summary and `loyalty status`.

Every section is guarded on the relations it reads, so it works on a warehouse that
holds only raw data, only staging, or everything. Opens its own read-only connection:
call it after dbt has finished with the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from loyalty.contract import SCHEMAS
from loyalty.progress import Reporter

STAGING = "staging"
MARTS = "marts"
ACCOUNTING = "stg_raw_row_accounting"
BRIDGE = "fct_mrr_bridge"
RETENTION = "fct_revenue_retention"


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str  # table / view
    rows: int | None  # counted for tables only (views can be expensive)


@contextmanager
def read_only(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Every table and view outside the system schemas, tables with exact row counts."""
    listed = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog') order by 1, 2"
    ).fetchall()
    out = []
    for schema, name, table_type in listed:
        is_view = "VIEW" in str(table_type).upper()
        rows = None
        if not is_view:
            counted = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
            rows = int(counted[0]) if counted else 0
        out.append(Relation(schema, name, "view" if is_view else "table", rows))
    return out


def row_accounting(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    """Per raw table: raw, staged, rejected, duplicate rows (staging.stg_raw_row_accounting)."""
    if not exists(con, STAGING, ACCOUNTING):
        return []
    return con.execute(
        f"select source_table, raw_rows, staged_rows, rejected_rows, duplicate_rows "
        f"from {STAGING}.{ACCOUNTING} order by source_table"
    ).fetchall()


def reject_reasons(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    """Rejected rows per raw table and reason, from every stg_<source>__rejects that exists."""
    parts = [f"select source_table, reject_reason from {STAGING}.stg_{source}__rejects"
             for source in SCHEMAS if exists(con, STAGING, f"stg_{source}__rejects")]
    if not parts:
        return []
    union = " union all ".join(parts)
    return con.execute(
        f"select source_table, reject_reason, count(*) as rejected_rows from ({union}) "
        "group by 1, 2 order by 1, 2"
    ).fetchall()


def mrr_bridge(con: duckdb.DuckDBPyConnection, months: int = 13) -> list[tuple[object, ...]]:
    """The last `months` months of marts.fct_mrr_bridge, oldest first."""
    if not exists(con, MARTS, BRIDGE):
        return []
    return con.execute(
        f"select month, closing_mrr, nrr_1m, grr_1m from ("
        f"select month, closing_mrr, nrr_1m, grr_1m from {MARTS}.{BRIDGE} order by month desc limit ?"
        f") order by month",
        [months],
    ).fetchall()


def latest_retention(con: duckdb.DuckDBPyConnection) -> tuple[object, ...] | None:
    """(month, nrr_12m, grr_12m) of the latest month with a 12-month NRR, all customers."""
    if not exists(con, MARTS, RETENTION):
        return None
    return con.execute(
        f"select month, nrr_12m, grr_12m from {MARTS}.{RETENTION} "
        "where segment_type = 'all' and nrr_12m is not null order by month desc limit 1"
    ).fetchone()


def money(value: object) -> str:
    return "" if value is None else f"{Decimal(str(value)):,.2f}"


def rate(value: object) -> str:
    return "" if value is None else f"{float(str(value)) * 100:.1f} %"


def print_demo_summary(reporter: Reporter, db_path: Path) -> None:
    """Staging row counts, rejects by reason and, when the marts exist, MRR and retention."""
    with read_only(db_path) as con:
        accounting = row_accounting(con)
        rejects = reject_reasons(con)
        bridge = mrr_bridge(con)
        retention = latest_retention(con)
    if accounting:
        reporter.table("Rows per raw table (staged + rejected = raw)",
                       ["source table", "raw", "staged", "rejected", "duplicates"], accounting)
    else:
        reporter.line(f"(no {STAGING}.{ACCOUNTING}: staging not built)")
    if rejects:
        reporter.table("Rejected rows by reason", ["source table", "reason", "rows"], rejects)
    elif accounting:
        reporter.line("No rejected rows.")
    if bridge:
        reporter.table("MRR bridge, last 13 months (USD)", ["month", "closing MRR", "NRR 1m", "GRR 1m"],
                       [(str(m), money(mrr), rate(nrr), rate(grr)) for m, mrr, nrr, grr in bridge],
                       right=(1, 2, 3))
    else:
        reporter.line(f"(no {MARTS}.{BRIDGE} yet)")
    if retention is not None:
        month, nrr, grr = retention
        reporter.line(f"12-month retention, all customers, {month}: NRR {rate(nrr)}, GRR {rate(grr)}")
    else:
        reporter.line(f"(no 12-month retention in {MARTS}.{RETENTION} yet)")


def print_status(reporter: Reporter, db_path: Path) -> None:
    """The warehouse file, and every relation with its kind and (tables) row count."""
    stat = db_path.stat()
    modified = datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    reporter.line(f"warehouse {db_path}  {stat.st_size / 1e6:,.1f} MB  last modified {modified}")
    with read_only(db_path) as con:
        found = relations(con)
    if not found:
        reporter.line("empty: run `loyalty load --from DIR` and `loyalty build`")
        return
    reporter.table("Relations", ["schema", "name", "kind", "rows"],
                   [(r.schema, r.name, r.kind, r.rows) for r in found])
