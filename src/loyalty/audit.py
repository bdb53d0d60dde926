"""The refresh's record of every run: audit tables inside the warehouse, a JSON-lines run log beside it.

Tables (schema `audit`, written into the candidate just before it is published):

* refresh_runs          one row per run: start/end, as-of, outcome, exit code, dbt tally,
                        gate verdicts, mart hashes, message;
* refresh_row_counts    per run and raw table: rows loaded, raw, staged, rejected, duplicates,
                        rejected share (duplicates excluded);
* refresh_rejects       per run, raw table and reject reason: rejected rows;
* refresh_expectations  per run: every GX expectation evaluated and its verdict.

A failed run must leave the published file byte-identical, so it cannot write there:
every run (failed or not) is appended to `<warehouse>.runs.jsonl`, and the next
successful publish copies the runs the warehouse does not hold yet into the tables
(column `recorded_via` = 'run log'). The run log alone is the complete history.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

AUDIT_SCHEMA = "audit"
MARTS_SCHEMA = "marts"

DDL = (
    f"create schema if not exists {AUDIT_SCHEMA}",
    f"""create table if not exists {AUDIT_SCHEMA}.refresh_runs (
        run_id varchar primary key,
        started_at timestamp not null,
        finished_at timestamp,
        as_of_date date,
        outcome varchar not null,
        exit_code integer not null,
        book_path varchar,
        dbt_selection varchar,
        is_full_refresh boolean,
        dbt_tally_json varchar,
        raw_rows bigint,
        rejected_rows bigint,
        expectations_evaluated integer,
        expectations_failed integer,
        gate_results_json varchar,
        mart_hashes_json varchar,
        message varchar,
        recorded_via varchar not null
    )""",
    f"""create table if not exists {AUDIT_SCHEMA}.refresh_row_counts (
        run_id varchar not null,
        source_table varchar not null,
        loaded_rows bigint,
        raw_rows bigint,
        staged_rows bigint,
        rejected_rows bigint,
        duplicate_rows bigint,
        rejected_share_excl_duplicates double,
        primary key (run_id, source_table)
    )""",
    f"""create table if not exists {AUDIT_SCHEMA}.refresh_rejects (
        run_id varchar not null,
        source_table varchar not null,
        reject_reason varchar not null,
        rejected_rows bigint not null,
        primary key (run_id, source_table, reject_reason)
    )""",
    f"""create table if not exists {AUDIT_SCHEMA}.refresh_expectations (
        run_id varchar not null,
        checkpoint_name varchar not null,
        suite_name varchar not null,
        expectation_type varchar not null,
        column_name varchar,
        rule varchar,
        is_success boolean not null,
        observed varchar
    )""",
)


@dataclass
class RowCount:
    source_table: str
    loaded_rows: int | None
    raw_rows: int
    staged_rows: int
    rejected_rows: int
    duplicate_rows: int
    rejected_share_excl_duplicates: float


@dataclass
class RejectCount:
    source_table: str
    reject_reason: str
    rejected_rows: int


@dataclass
class RunRecord:
    """Everything one refresh did; serialised to the run log and to the audit tables."""

    run_id: str
    started_at: datetime
    as_of_date: date | None = None
    finished_at: datetime | None = None
    outcome: str = "running"  # published / build_failed / gate_failed / bad_input / error / interrupted
    exit_code: int = 1
    book_path: str | None = None
    dbt_selection: str = ""
    is_full_refresh: bool = False
    dbt_tally: dict[str, int] = field(default_factory=dict)
    gate_checkpoints: dict[str, bool] = field(default_factory=dict)
    gate_skipped: list[str] = field(default_factory=list)
    expectations: list[dict[str, Any]] = field(default_factory=list)
    row_counts: list[RowCount] = field(default_factory=list)
    rejects: list[RejectCount] = field(default_factory=list)
    mart_hashes: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def expectations_failed(self) -> int:
        return sum(1 for e in self.expectations if not e.get("success"))

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("started_at", "finished_at", "as_of_date"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RunRecord:
        data = json.loads(text)
        data["started_at"] = datetime.fromisoformat(data["started_at"])
        for key, parse in (("finished_at", datetime.fromisoformat), ("as_of_date", date.fromisoformat)):
            data[key] = parse(data[key]) if data.get(key) else None
        data["row_counts"] = [RowCount(**r) for r in data.get("row_counts", [])]
        data["rejects"] = [RejectCount(**r) for r in data.get("rejects", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def new_run_id(now: datetime | None = None) -> str:
    now = now or utc_now()
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def utc_now() -> datetime:
    """Naive UTC (the warehouse's timestamps are naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


# -- run log (JSON lines beside the warehouse) ----------------------------------------------------

def append_run_log(path: Path, record: RunRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(record.to_json() + "\n")


def read_run_log(path: Path) -> list[RunRecord]:
    """Every run in the log, oldest first; a truncated last line (a crash mid-write) is skipped."""
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            records.append(RunRecord.from_json(line))
        except (ValueError, TypeError, KeyError):
            continue
    return records


# -- audit tables --------------------------------------------------------------------------------

def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def recorded_run_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    if not table_exists(con, AUDIT_SCHEMA, "refresh_runs"):
        return set()
    return {str(r[0]) for r in con.execute(f"select run_id from {AUDIT_SCHEMA}.refresh_runs").fetchall()}


def write_runs(con: duckdb.DuckDBPyConnection, records: Iterable[tuple[RunRecord, str]]) -> int:
    """Insert (record, recorded_via) pairs whose run_id the warehouse does not hold yet, in one
    transaction. Returns how many runs were written."""
    ensure_tables(con)
    known = recorded_run_ids(con)
    written = 0
    con.begin()
    try:
        for record, via in records:
            if record.run_id in known:
                continue
            known.add(record.run_id)
            _insert(con, record, via)
            written += 1
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return written


def _insert(con: duckdb.DuckDBPyConnection, r: RunRecord, via: str) -> None:
    gate_results = {"checkpoints": r.gate_checkpoints, "skipped": r.gate_skipped,
                    "failed": [e for e in r.expectations if not e.get("success")]}
    con.execute(
        f"insert into {AUDIT_SCHEMA}.refresh_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.run_id, r.started_at, r.finished_at, r.as_of_date, r.outcome, r.exit_code, r.book_path,
         r.dbt_selection, r.is_full_refresh, json.dumps(r.dbt_tally, sort_keys=True),
         sum(c.raw_rows for c in r.row_counts) if r.row_counts else None,
         sum(c.rejected_rows for c in r.row_counts) if r.row_counts else None,
         len(r.expectations), r.expectations_failed, json.dumps(gate_results, sort_keys=True),
         json.dumps(r.mart_hashes, sort_keys=True), r.message, via])
    if r.row_counts:
        con.executemany(
            f"insert into {AUDIT_SCHEMA}.refresh_row_counts values (?, ?, ?, ?, ?, ?, ?, ?)",
            [[r.run_id, c.source_table, c.loaded_rows, c.raw_rows, c.staged_rows, c.rejected_rows,
              c.duplicate_rows, c.rejected_share_excl_duplicates] for c in r.row_counts])
    if r.rejects:
        con.executemany(f"insert into {AUDIT_SCHEMA}.refresh_rejects values (?, ?, ?, ?)",
                        [[r.run_id, c.source_table, c.reject_reason, c.rejected_rows] for c in r.rejects])
    if r.expectations:
        con.executemany(
            f"insert into {AUDIT_SCHEMA}.refresh_expectations values (?, ?, ?, ?, ?, ?, ?, ?)",
            [[r.run_id, e["checkpoint"], e["suite"], e["expectation"], e.get("column") or None, e.get("rule"),
              bool(e["success"]), e.get("observed")] for e in r.expectations])


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                      [schema, name]).fetchone()
    return bool(row and row[0])


def baseline_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int] | None:
    """Raw rows per table of the latest published run the warehouse records (None: no such run)."""
    if not table_exists(con, AUDIT_SCHEMA, "refresh_row_counts"):
        return None
    rows = con.execute(
        f"""select counts.source_table, counts.raw_rows
            from {AUDIT_SCHEMA}.refresh_row_counts as counts
            where counts.run_id = (
                select runs.run_id from {AUDIT_SCHEMA}.refresh_runs as runs
                where runs.outcome = 'published'
                order by runs.finished_at desc, runs.run_id desc limit 1)""").fetchall()
    return {str(t): int(n) for t, n in rows} or None


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[tuple[Any, ...]]:
    """(run_id, started_at, seconds, as_of_date, outcome, exit_code, raw, rejected, expectations failed/evaluated)."""
    if not table_exists(con, AUDIT_SCHEMA, "refresh_runs"):
        return []
    return con.execute(
        f"""select run_id, started_at, finished_at, as_of_date, outcome, exit_code, raw_rows, rejected_rows,
                   expectations_failed, expectations_evaluated, recorded_via
            from {AUDIT_SCHEMA}.refresh_runs order by started_at desc, run_id desc limit ?""", [limit]).fetchall()


# -- mart hashes (idempotency) -------------------------------------------------------------------

# Refresh bookkeeping columns of the incremental health models (macros/health_incremental.sql):
# when a row was written (loaded_at) and the hash of the inputs it was computed from. They say
# nothing about the data: two warehouses with the same contents may differ in them.
BOOKKEEPING_COLUMNS = ("loaded_at", "inputs_checksum")


def table_hashes(con: duckdb.DuckDBPyConnection, schema: str = MARTS_SCHEMA,
                 tables: Sequence[str] | None = None, batch: int = 10_000) -> dict[str, str]:
    """sha256 per base table of `schema` over its rows sorted by every column (column names
    included; the bookkeeping columns left out), so two warehouses with the same contents hash
    the same."""
    names = tables if tables is not None else [str(r[0]) for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' "
        "order by 1", [schema]).fetchall()]
    hashes = {}
    for name in names:
        columns = [str(c) for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [schema, name]).fetchall() if str(c) not in BOOKKEEPING_COLUMNS]
        digest = hashlib.sha256()
        quoted = ", ".join(f'"{c}"' for c in columns)
        cursor = con.execute(f'select {quoted} from "{schema}"."{name}" order by all')
        digest.update(repr([d[0] for d in cursor.description or []]).encode())
        while rows := cursor.fetchmany(batch):
            for row in rows:
                digest.update(repr(row).encode())
                digest.update(b"\n")
        hashes[name] = digest.hexdigest()
    return hashes


def rows_to_counts(accounting: Sequence[Sequence[Any]], loaded: Mapping[str, int] | None) -> list[RowCount]:
    """summary.row_accounting rows (+ rejected share) -> RowCount."""
    out = []
    for source_table, raw, staged, rejected, duplicates, share in accounting:
        out.append(RowCount(str(source_table), (loaded or {}).get(str(source_table)), int(raw), int(staged),
                            int(rejected), int(duplicates), float(share)))
    return out
