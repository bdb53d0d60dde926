"""The orchestrated refresh: write-audit-publish on one DuckDB warehouse file.

    candidate = copy of the published file (or a new file)   write
      -> load the book (optional) -> dbt seed/build            (dbt tests: the first gate)
      -> GX checkpoints: raw landing, reject accounting, marts  audit
      -> audit rows into the candidate
      -> previous published file kept as <name>.previous.duckdb,
         candidate renamed onto the published path (os.replace) publish

Why a copy of the published file rather than an empty one: incremental models
(and anything a `--select`ed run does not rebuild) keep their state, and the audit
history travels with the warehouse. `--full-refresh` rebuilds incrementals and seeds
on that copy.

The published path is only ever changed by one atomic rename. A reader that has the
published file open keeps reading the inode it opened (the old version, intact) until
it reconnects; a failed build or gate leaves the published file byte-identical, keeps
the candidate (<name>.candidate.duckdb) for diagnosis and says why. Every run, failed
or not, is appended to <name>.runs.jsonl (see loyalty.audit).

DuckDB locks a file per process: dbt runs in-process (dbtRunner), and every connection
of ours to the candidate is closed before dbt runs and before the rename.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import yaml

from loyalty import audit, dbt_ops
from loyalty.audit import RejectCount, RowCount, RunRecord
from loyalty.faults import EXPECTED_REJECT_REASONS
from loyalty.gates import GateConfig, GateConfigError, project_vars, run_gates
from loyalty.loader import LoadError, load_book
from loyalty.progress import Reporter

if TYPE_CHECKING:
    from loyalty.gates.runner import GateReport

# outcome -> exit code (the same numbers as loyalty.cli.EXIT_*)
EXIT_CODES: Mapping[str, int] = {
    "published": 0,
    "validated": 0,
    "error": 1,
    "bad_input": 2,
    "build_failed": 3,
    "gate_failed": 4,
    "interrupted": 130,
}
STEPS = 5
MAX_PROBLEMS_SHOWN = 20
MAX_FAILURES_SHOWN = 25


class RefreshBusy(RuntimeError):
    """Another refresh holds the warehouse's lock file."""


class RefreshInputError(ValueError):
    """Nothing to refresh, or options that cannot work together (exit code 2)."""


@dataclass(frozen=True)
class WarehouseFiles:
    """The published file and everything the refresh keeps beside it (same folder, so the
    final rename is atomic)."""

    published: Path

    def _sibling(self, tag: str) -> Path:
        return self.published.with_name(f"{self.published.stem}.{tag}{self.published.suffix}")

    @property
    def candidate(self) -> Path:
        return self._sibling("candidate")

    @property
    def previous(self) -> Path:
        return self._sibling("previous")

    @property
    def run_log(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.runs.jsonl")

    @property
    def lock(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.refresh.lock")

    @property
    def data_docs(self) -> Path:
        return self.published.parent / "gx_data_docs" / self.published.stem


@dataclass(frozen=True)
class RefreshRequest:
    project_dir: Path
    published: Path
    book: Path | None = None
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    full_refresh: bool = False
    as_of: date | None = None
    threads: int | None = None
    target: str | None = None
    dbt_vars: Mapping[str, Any] = field(default_factory=dict)  # the user's --vars
    max_reject_share: float | None = None
    max_unmapped_mrr_share: float | None = None
    new_baseline: bool = False  # skip the row-count-vs-previous-load expectations
    data_docs: Path | None = None  # default WarehouseFiles.data_docs; see no_data_docs
    no_data_docs: bool = False
    target_path: Path | None = None
    log_path: Path | None = None


# -- small steps ---------------------------------------------------------------------------------

@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """One refresh per warehouse at a time (an flock on <name>.refresh.lock, released on exit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusy(f"another refresh of this warehouse is running (lock {path})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_db(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def prepare_candidate(files: WarehouseFiles) -> bool:
    """A fresh candidate: a byte copy of the published file (and its WAL, if one was left
    behind) or, without one, no file at all (DuckDB creates it). True when copied."""
    _remove_db(files.candidate)
    if not files.published.is_file():
        return False
    shutil.copyfile(files.published, files.candidate)
    wal = files.published.with_name(files.published.name + ".wal")
    if wal.is_file():
        shutil.copyfile(wal, files.candidate.with_name(files.candidate.name + ".wal"))
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish(files: WarehouseFiles) -> bool:
    """Keep the published file as <name>.previous (a hard link: same inode, no copy), then
    rename the candidate onto the published path. Returns True when a previous version was kept."""
    wal = files.candidate.with_name(files.candidate.name + ".wal")
    if wal.exists():  # every connection closed cleanly checkpoints; make sure nothing is left behind
        con = duckdb.connect(str(files.candidate))
        con.execute("checkpoint")
        con.close()
    with open(files.candidate, "rb") as fh:
        os.fsync(fh.fileno())
    kept = False
    if files.published.is_file():
        staging = files.previous.with_name(files.previous.name + ".tmp")
        staging.unlink(missing_ok=True)
        try:
            os.link(files.published, staging)
        except OSError:  # no hard links here: copy
            shutil.copyfile(files.published, staging)
        os.replace(staging, files.previous)
        kept = True
    os.replace(files.candidate, files.published)
    _fsync_dir(files.published.parent)
    return kept


def rollback(published: Path) -> None:
    """Swap the published file and <name>.previous (each rename atomic)."""
    files = WarehouseFiles(published)
    if not files.previous.is_file():
        raise RefreshInputError(f"no previous version to roll back to ({files.previous})")
    with exclusive_lock(files.lock):
        swap = files.published.with_name(files.published.name + ".rollback.tmp")
        swap.unlink(missing_ok=True)
        if files.published.is_file():
            os.link(files.published, swap)
        os.replace(files.previous, files.published)
        if swap.exists():
            os.replace(swap, files.previous)
        _fsync_dir(files.published.parent)


def merged_vars(project_dir: Path, user_vars: Mapping[str, Any]) -> dict[str, Any]:
    return {**project_vars(project_dir), **user_vars}


def effective_as_of(request: RefreshRequest) -> date:
    if request.as_of is not None:
        return request.as_of
    given = request.dbt_vars.get("as_of_date")
    if given:
        try:
            return date.fromisoformat(str(given))
        except ValueError:
            raise RefreshInputError(f"--vars as_of_date is not a date (YYYY-MM-DD): {given!r}") from None
    return datetime.now(timezone.utc).date()


def dbt_vars_for(request: RefreshRequest, as_of: date, project: Mapping[str, Any]) -> dict[str, Any]:
    """The --vars dbt gets: the user's, and max_reject_share raised to the gate's threshold
    when --max-reject-share is looser than the project's var (so dbt's reject-share test does
    not stop a run the gate would pass). A stricter --max-reject-share is the gate's job (exit
    code 4), and an explicit --vars max_reject_share always wins. The as-of date goes to dbt in
    LOYALTY_AS_OF_DATE (dbt_ops.run), so the --vars of a daily refresh stay the same and dbt
    parses partially; a user's --vars as_of_date is set to the same date."""
    out = dict(request.dbt_vars)
    if "as_of_date" in out:
        out["as_of_date"] = as_of.isoformat()
    threshold = request.max_reject_share
    project_share = float(project.get("max_reject_share", 0.05))
    if threshold is not None and "max_reject_share" not in out and threshold > project_share:
        out["max_reject_share"] = threshold
    return out


def check_target(project_dir: Path, target: str | None) -> None:
    """Write-audit-publish swaps DuckDB files: the target (--target, else $DBT_TARGET, which
    profiles.yml reads) must be a duckdb output."""
    if target is None:
        return
    profiles_dir = Path(os.environ.get("DBT_PROFILES_DIR") or project_dir)
    try:
        with (profiles_dir / "profiles.yml").open(encoding="utf-8") as fh:
            profiles = yaml.safe_load(fh) or {}
    except OSError as exc:
        raise RefreshInputError(f"cannot read profiles.yml in {profiles_dir}: {exc}") from None
    outputs = next(iter(profiles.values()), {}).get("outputs", {}) if profiles else {}
    if target not in outputs:
        raise RefreshInputError(f"--target {target}: no such output in {profiles_dir / 'profiles.yml'} "
                                f"(have: {', '.join(outputs) or 'none'})")
    kind = outputs[target].get("type")
    if kind != "duckdb":
        raise RefreshInputError(f"--target {target} is a {kind} target; the refresh builds, validates and "
                                "publishes DuckDB files (use `dbt build --target ...` for other engines)")


def dbt_commands(request: RefreshRequest, dbt_vars: Mapping[str, Any]) -> list[list[str]]:
    """One `dbt build` (an unselected build seeds by itself; a selected one selects every seed
    too, so reference data is always current) with the refresh's --vars and --target."""
    build = ["build"]
    if request.full_refresh:
        build.append("--full-refresh")
    if request.threads is not None:
        build += ["--threads", str(request.threads)]
    if request.target:
        build += ["--target", request.target]
    if dbt_vars:
        build += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True, default=str)]
    if request.select:
        build += ["--select", *request.select, "resource_type:seed"]
    if request.exclude:
        build += ["--exclude", *request.exclude]
    return [build]


def read_accounting(db: Path) -> tuple[list[RowCount], list[RejectCount]]:
    """Per raw table: raw/staged/rejected/duplicates/share, and rejected rows per reason
    (staging.stg_raw_row_accounting and every stg_<source>__rejects); empty when staging is absent."""
    from loyalty import summary

    with summary.read_only(db) as con:
        if not summary.exists(con, summary.STAGING, summary.ACCOUNTING):
            return [], []
        try:
            rows = con.execute(
                "select source_table, raw_rows, staged_rows, rejected_rows, duplicate_rows, "
                f"cast(rejected_share_excl_duplicates as double) from {summary.STAGING}.{summary.ACCOUNTING} "
                "order by source_table").fetchall()
            reasons = summary.reject_reasons(con)
        except duckdb.Error:  # a staging view that no longer binds (e.g. a failed load)
            return [], []
    counts = audit.rows_to_counts(rows, None)
    return counts, [RejectCount(str(t), str(r), int(n)) for t, r, n in reasons]


def print_reject_table(reporter: Reporter, counts: Sequence[RowCount], rejects: Sequence[RejectCount],
                       threshold: float) -> None:
    """The reject accounting of the candidate: per raw table loaded/raw/staged/rejected, the
    share that counts against the threshold, and the reasons."""
    by_table: dict[str, list[str]] = {}
    for r in rejects:
        by_table.setdefault(r.source_table, []).append(f"{r.reject_reason} {r.rejected_rows:,}")
    rows = []
    for c in counts:
        over = c.rejected_share_excl_duplicates > threshold
        rows.append((c.source_table, c.loaded_rows, c.raw_rows, c.staged_rows, c.rejected_rows,
                     _percent(c.rejected_share_excl_duplicates), "FAIL" if over else "ok",
                     ", ".join(by_table.get(c.source_table, []))))
    reporter.table(f"Reject accounting (raw = staged + rejected; the share leaves out "
                   f"{', '.join(sorted(EXPECTED_REJECT_REASONS))} rows; gate: share <= {threshold * 100:g} %)",
                   ["raw table", "loaded", "raw", "staged", "rejected", "share", "gate", "rejected by reason"],
                   rows, right=(5,))


def _percent(share: float) -> str:
    return "<0.01 %" if 0 < share < 0.0001 else f"{share * 100:.2f} %"


def print_gate_report(reporter: Reporter, report: GateReport) -> None:
    for line in [*report.skipped, *report.notes]:
        reporter.line(f"  {line}")
    failures = report.failures
    verdicts = ", ".join(f"{name} {'passed' if ok else 'FAILED'}" for name, ok in report.checkpoints.items())
    reporter.line(f"gates: {verdicts}; {len(report.results)} expectations, {len(failures)} failed "
                  f"({report.seconds:.1f} s)")
    if failures:
        reporter.table("Failed expectations", ["suite", "rule", "observed"],
                       [(f.suite, f.rule, f.observed) for f in failures[:MAX_FAILURES_SHOWN]])
        if len(failures) > MAX_FAILURES_SHOWN:
            reporter.line(f"  ... and {len(failures) - MAX_FAILURES_SHOWN} more")


def print_dbt_outcome(reporter: Reporter, outcome: dbt_ops.Outcome) -> None:
    tally = ", ".join(f"{count} {key}" for key, count in outcome.tally.items())
    reporter.line(f"dbt {' + '.join(c.split()[0] for c in outcome.commands)}: {tally}")
    for node in outcome.problems[:MAX_PROBLEMS_SHOWN]:
        reporter.line(f"  {node.bucket.upper():<5} {node.unique_id}: {node.message}")
    if len(outcome.problems) > MAX_PROBLEMS_SHOWN:
        reporter.line(f"  ... and {len(outcome.problems) - MAX_PROBLEMS_SHOWN} more")
    for message in outcome.exceptions:
        reporter.error(message)


def gate_config(request: RefreshRequest, db: Path | None, as_of: date) -> GateConfig:
    """Thresholds from the vars and options; the row-count baseline from the audit table of the
    last published run in `db` (none with --new-baseline or without an audited warehouse)."""
    baseline = None
    if db is not None and db.is_file() and not request.new_baseline:
        with duckdb.connect(str(db), read_only=True) as con:
            baseline = audit.baseline_counts(con)
    try:
        return GateConfig.from_vars(merged_vars(request.project_dir, request.dbt_vars), as_of,
                                    max_reject_share=request.max_reject_share,
                                    max_unmapped_mrr_share=request.max_unmapped_mrr_share,
                                    baseline_counts=baseline)
    except GateConfigError as exc:
        raise RefreshInputError(str(exc)) from None


# -- the refresh ---------------------------------------------------------------------------------

def refresh(request: RefreshRequest, reporter: Reporter) -> RunRecord:
    """Run the whole refresh; returns the run's record (outcome, exit_code, counts, gates)."""
    files = WarehouseFiles(request.published)
    request.published.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(files.lock):
        started = time.monotonic()
        record = RunRecord(run_id=audit.new_run_id(), started_at=audit.utc_now(),
                           book_path=str(request.book) if request.book else None,
                           dbt_selection=" ".join([*(f"--select {s}" for s in request.select),
                                                   *(f"--exclude {s}" for s in request.exclude)]),
                           is_full_refresh=request.full_refresh)
        try:
            _run(request, files, record, reporter)
        except (RefreshInputError, LoadError) as exc:
            _finish(record, "bad_input", str(exc))
        except KeyboardInterrupt:
            _finish(record, "interrupted", "interrupted")
            audit.append_run_log(files.run_log, record)
            raise
        except Exception as exc:  # DuckDB, the file system, GX, dbt itself: recorded, exit code 1
            _finish(record, "error", f"{type(exc).__name__}: {exc}")
        audit.append_run_log(files.run_log, record)
        elapsed = time.monotonic() - started
        if record.outcome == "published":
            reporter.line(f"refresh {record.run_id}: published {files.published} ({elapsed:.1f} s)")
        else:
            reporter.error(f"refresh {record.run_id} {record.outcome.replace('_', ' ')}: {record.message}")
            unchanged = (f"published warehouse unchanged: {files.published}" if files.published.is_file()
                         else f"nothing published: {files.published} does not exist")
            reporter.line(unchanged)
            if files.candidate.is_file():
                reporter.line(f"candidate kept for diagnosis: {files.candidate}")
            reporter.line(f"run log: {files.run_log} ({elapsed:.1f} s)")
        return record


def _finish(record: RunRecord, outcome: str, message: str) -> None:
    record.outcome = outcome
    record.exit_code = EXIT_CODES[outcome]
    record.message = message
    record.finished_at = audit.utc_now()


def _run(request: RefreshRequest, files: WarehouseFiles, record: RunRecord, reporter: Reporter) -> None:
    check_target(request.project_dir, request.target or os.environ.get("DBT_TARGET") or None)
    as_of = effective_as_of(request)
    record.as_of_date = as_of
    if request.book is None and not files.published.is_file():
        raise RefreshInputError(f"nothing to refresh: no warehouse at {files.published} and no --from BOOK")
    project = merged_vars(request.project_dir, {})
    config = gate_config(request, None, as_of)  # checks the thresholds before any work
    dbt_vars = dbt_vars_for(request, as_of, project)

    reporter.heading(f"1/{STEPS} candidate {files.candidate.name}")
    copied = prepare_candidate(files)
    reporter.line(f"copied {files.published} ({files.published.stat().st_size / 1e6:,.1f} MB)" if copied
                  else "new warehouse (nothing published yet)")
    # the row-count baseline comes from the copy: the published file is never opened by DuckDB here
    config = gate_config(request, files.candidate if copied else None, as_of)

    reporter.heading(f"2/{STEPS} load" + (f" {request.book}" if request.book else ": skipped (no --from)"))
    loaded: dict[str, int] | None = None
    if request.book is not None:
        loaded = load_book(request.book, files.candidate, schemas=config.raw_schemas)  # vars <source>_schema
        reporter.line(f"loaded {len(loaded)} tables, {sum(loaded.values()):,} rows")

    reporter.heading(f"3/{STEPS} dbt build (as of {as_of})")
    settings = dbt_ops.DbtSettings(project_dir=request.project_dir, db_path=files.candidate,
                                   target_path=request.target_path, log_path=request.log_path)
    outcome = dbt_ops.Outcome()
    for command in dbt_commands(request, dbt_vars):
        with reporter.counter(f"dbt {command[0]}") as counter:
            step = dbt_ops.run(settings, command, counter, as_of=as_of)
        outcome.absorb(step)
        if not step.success:
            break
    print_dbt_outcome(reporter, outcome)
    record.dbt_tally = outcome.tally
    counts, rejects = read_accounting(files.candidate)
    for c in counts:
        c.loaded_rows = (loaded or {}).get(c.source_table)
    record.row_counts, record.rejects = counts, rejects
    if counts:
        print_reject_table(reporter, counts, rejects, config.max_reject_share)
    if not outcome.success:
        failed = [n.unique_id for n in outcome.nodes if n.bucket == "error"]
        detail = f"{len(failed)} failed node(s): {', '.join(failed[:5])}" if failed else "; ".join(outcome.exceptions)
        _finish(record, "build_failed", f"dbt {' + '.join(outcome.failed_commands)} failed: {detail}")
        return

    reporter.heading(f"4/{STEPS} gates (Great Expectations)")
    docs = None if request.no_data_docs else (request.data_docs or files.data_docs)
    report = run_gates(files.candidate, config, docs, say=lambda m: reporter.line(f"  {m}"))
    record.gate_checkpoints = dict(report.checkpoints)
    record.gate_skipped = list(report.skipped)
    record.expectations = [asdict(r) for r in report.results]
    print_gate_report(reporter, report)
    if not report.success:
        failed_suites = sorted({f.suite for f in report.failures})
        over = [f"{c.source_table} {c.rejected_share_excl_duplicates * 100:.2f} %" for c in counts
                if c.rejected_share_excl_duplicates > config.max_reject_share]
        why = f" (reject share over {config.max_reject_share * 100:g} %: {', '.join(over)})" if over else ""
        _finish(record, "gate_failed", f"{len(report.failures)} expectation(s) failed in "
                                       f"{', '.join(failed_suites)}{why}")
        return

    reporter.heading(f"5/{STEPS} publish")
    with duckdb.connect(str(files.candidate), read_only=True) as con:
        record.mart_hashes = audit.table_hashes(con) if _has_schema(con, audit.MARTS_SCHEMA) else {}
    _finish(record, "published", "all gates passed")
    pending = [(r, "run log") for r in audit.read_run_log(files.run_log)]
    with duckdb.connect(str(files.candidate)) as con:
        written = audit.write_runs(con, [*pending, (record, "publish")])
    kept = publish(files)
    reporter.line(f"audit: {written} run(s) recorded in {audit.AUDIT_SCHEMA}.refresh_runs "
                  f"(run log {files.run_log.name})")
    if kept:
        reporter.line(f"previous version kept: {files.previous}  (`loyalty rollback` restores it)")


def _has_schema(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    row = con.execute("select count(*) from information_schema.schemata where schema_name = ?", [schema]).fetchone()
    return bool(row and row[0])


# -- validate (gates only, on an existing file) --------------------------------------------------

def validate(request: RefreshRequest, reporter: Reporter) -> GateReport:
    """The GX gates on the published file as it is (read-only): no load, no build, no publish."""
    files = WarehouseFiles(request.published)
    if not files.published.is_file():
        raise RefreshInputError(f"no warehouse at {files.published}")
    as_of = effective_as_of(request)
    config = gate_config(request, files.published, as_of)
    counts, rejects = read_accounting(files.published)
    if counts:
        print_reject_table(reporter, counts, rejects, config.max_reject_share)
    docs = None if request.no_data_docs else (request.data_docs or files.data_docs)
    report = run_gates(files.published, config, docs, say=lambda m: reporter.line(f"  {m}"))
    print_gate_report(reporter, report)
    return report


# -- history (`loyalty status`) ------------------------------------------------------------------

def print_run_history(reporter: Reporter, published: Path, limit: int = 5) -> None:
    """The last audited runs in the warehouse, and runs in the run log it does not hold
    (failed runs since its last publish, or runs of a version rolled back)."""
    from loyalty import summary

    with summary.read_only(published) as con:
        runs = audit.recent_runs(con, limit)
        known = audit.recorded_run_ids(con)
    if runs:
        rows = [(run_id, f"{started:%Y-%m-%d %H:%M:%S}",
                 f"{(finished - started).total_seconds():.0f} s" if finished else "", str(as_of or ""), outcome,
                 code, raw, rejected, f"{failed}/{evaluated}", via)
                for run_id, started, finished, as_of, outcome, code, raw, rejected, failed, evaluated, via in runs]
        reporter.table(f"Last refresh runs ({audit.AUDIT_SCHEMA}.refresh_runs)",
                       ["run", "started (UTC)", "took", "as of", "outcome", "exit", "raw rows", "rejected",
                        "failed/expectations", "recorded via"], rows)
    else:
        reporter.line(f"no {audit.AUDIT_SCHEMA}.refresh_runs: this warehouse was not published by `loyalty refresh`")
    log = WarehouseFiles(published).run_log
    unrecorded = [r for r in audit.read_run_log(log) if r.run_id not in known]
    if unrecorded:
        reporter.table(f"Runs not in this warehouse (from {log.name}; failed runs are recorded at the next publish)",
                       ["run", "started (UTC)", "outcome", "exit", "why"],
                       [(r.run_id, f"{r.started_at:%Y-%m-%d %H:%M:%S}", r.outcome, r.exit_code, r.message)
                        for r in unrecorded[-limit:]])
