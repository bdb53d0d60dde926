"""Run the gates: frames from the warehouse -> GX validation definitions -> checkpoints -> Data Docs.

GX's SQL datasource does not work against DuckDB, so each suite's frame is read
with DuckDB (read-only) and written to a Parquet file in a temporary folder; a GX
pandas datasource reads those files. The GX context is ephemeral (nothing under
version control but the code in loyalty.gates), the Data Docs site is a local
folder, and nothing touches the network.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from loyalty.gates.config import GateConfig
from loyalty.gates.suites import CHECKPOINTS, RAW_LANDING, SuiteSpec, all_suites, quote

DATA_DOCS_SITE = "local"
MAX_SAMPLE = 3  # unexpected values quoted per failed expectation
# Frames above this many rows are validated on a reproducible reservoir sample: pandas holds
# every frame in memory, and the `mostly`/distribution checks are shares a sample estimates
# well. dbt's tests still see every row; row counts are always exact (raw.row_counts).
SAMPLE_ROWS = 1_000_000
SAMPLE_SEED = 42


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation's verdict, flattened for the console, the audit table and the run log."""

    checkpoint: str
    suite: str
    expectation: str  # GX type, e.g. expect_column_values_to_be_between
    column: str
    rule: str  # what it checks, in words (the expectation's meta.rule)
    success: bool
    observed: str


@dataclass
class GateReport:
    results: list[ExpectationResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<suite>: <why>"
    notes: list[str] = field(default_factory=list)  # e.g. "<suite>: validated a sample of ..."
    checkpoints: dict[str, bool] = field(default_factory=dict)
    docs_index: Path | None = None
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return all(self.checkpoints.values()) and not self.failures

    @property
    def failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success]

    def suite_summary(self) -> list[tuple[str, str, int, int]]:
        """(checkpoint, suite, expectations evaluated, failed) per suite, in run order."""
        rows: dict[tuple[str, str], list[int]] = {}
        for r in self.results:
            counts = rows.setdefault((r.checkpoint, r.suite), [0, 0])
            counts[0] += 1
            counts[1] += 0 if r.success else 1
        return [(cp, suite, n, failed) for (cp, suite), (n, failed) in rows.items()]

    def to_dict(self) -> dict[str, Any]:
        return {"success": self.success, "checkpoints": self.checkpoints, "skipped": self.skipped,
                "notes": self.notes,
                "docs_index": str(self.docs_index) if self.docs_index else None,
                "results": [asdict(r) for r in self.results]}


# -- frames --------------------------------------------------------------------------------------

def _relation_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute("select column_name from information_schema.columns "
                       "where table_schema = ? and table_name = ? order by ordinal_position",
                       [schema, table]).fetchall()
    return [str(r[0]) for r in rows]


@dataclass(frozen=True)
class _Frame:
    spec: SuiteSpec
    path: Path
    columns: tuple[str, ...]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(f"select count(*) from ({sql}) as frame").fetchone()
    return int(row[0]) if row else 0


def _sampled_frame(con: duckdb.DuckDBPyConnection, sql: str, rows: int, relation: str | None) -> str:
    """`sql` on a reproducible reservoir sample of `rows` rows. With `relation` (a row-wise
    frame over it) that has row ids (a table; a view has none), the sample is drawn from the
    row ids and only those rows are read and computed: a reservoir of wide text rows is slow
    to fill (10k customers: 41 s for the raw tracks' four text columns, 5 s this way).
    Otherwise the frame is computed in full, then sampled."""
    sample = f"using sample reservoir({rows} rows) repeatable ({SAMPLE_SEED})"
    if relation is not None:
        try:
            con.execute(f"select rowid from {relation} limit 0")
            return f"{sql} where rowid in (select rowid from {relation} {sample})"
        except duckdb.Error:
            pass
    return f"select * from ({sql}) as frame {sample}"


def export_frames(db_path: Path, config: GateConfig, folder: Path, suites: Sequence[SuiteSpec],
                  report: GateReport, sample_rows: int | None = None) -> list[_Frame]:
    """Each suite's frame as <folder>/<suite>.parquet; absent relations and unreadable frames
    go to the report (skipped / failed) instead, sampled frames to its notes."""
    frames = []
    sample_rows = sample_rows or SAMPLE_ROWS
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        for spec in suites:
            schema = config.raw_schemas.get(spec.schema, spec.schema) if spec.checkpoint == RAW_LANDING else spec.schema
            columns = _relation_columns(con, schema, spec.table)
            if not columns:
                report.skipped.append(f"{spec.name}: skipped: table {schema}.{spec.table} absent")
                continue
            path = folder / f"{spec.name}.parquet"
            sql = spec.frame_sql(columns, config)
            relation = f"{quote(schema)}.{quote(spec.table)}"
            try:
                relation_rows = _count(con, f"select 1 from {relation}")
                frame_rows = _count(con, sql) if relation_rows > sample_rows and not spec.row_wise else relation_rows
                if frame_rows > sample_rows:
                    report.notes.append(f"{spec.name}: validated a reproducible sample of {sample_rows:,} "
                                        f"of {frame_rows:,} rows")
                    sql = _sampled_frame(con, sql, sample_rows, relation if spec.row_wise else None)
                con.execute(f"copy ({sql}) to '{path.as_posix()}' (format parquet)")
            except duckdb.Error as exc:
                report.results.append(ExpectationResult(spec.checkpoint, spec.name, "read_frame", "",
                                                        f"read {schema}.{spec.table}", False,
                                                        str(exc).splitlines()[0]))
                continue
            frames.append(_Frame(spec, path, tuple(columns)))
    finally:
        con.close()
    return frames


# -- GX ------------------------------------------------------------------------------------------

@contextmanager
def _quiet_gx() -> Iterator[None]:
    """GX warns about deprecations and logs at INFO (some callers, e.g. dbt, leave the root
    logger at INFO); the gate report says what matters, so both are off while GX runs."""
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def _context(docs_dir: Path | None) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(DATA_DOCS_SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def _observed(result: dict[str, Any], exception: dict[str, Any] | None) -> str:
    if exception and exception.get("raised_exception"):
        return f"error: {exception.get('exception_message')}"
    if "observed_value" in result:
        return f"observed {result['observed_value']}"
    if "unexpected_count" in result:
        counted = (result.get("element_count") or 0) - (result.get("missing_count") or 0)  # nulls are not judged
        text = (f"{result['unexpected_count']:,} of {counted:,} rows unexpected "
                f"({result.get('unexpected_percent') or 0:.2f} %)")
        sample = result.get("partial_unexpected_list") or []
        if sample:
            text += ", e.g. " + ", ".join(str(v) for v in sample[:MAX_SAMPLE])
        return text
    return ""


def _labels(frame: Path, column: str, indexes: Sequence[Any]) -> list[str]:
    """The `column` values of the frame's rows at `indexes` (GX reports unexpected rows by index)."""
    import pyarrow.parquet as pq

    values = pq.read_table(frame, columns=[column]).column(column).to_pylist()
    return [str(values[i]) for i in indexes if isinstance(i, int) and 0 <= i < len(values)]


def _flatten(checkpoint: str, suite: str, validation: Any, frame: Path | None) -> list[ExpectationResult]:
    out = []
    for r in validation.results:
        config = r.expectation_config
        kwargs = config.kwargs
        meta = config.meta or {}
        column = kwargs.get("column") or ",".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
        rule = meta.get("rule") or config.type
        exception = r.exception_info if isinstance(r.exception_info, dict) else None
        result = r.result or {}
        observed = _observed(result, exception)
        label = meta.get("label_column")
        if not r.success and label and frame is not None and result.get("partial_unexpected_index_list"):
            rows = _labels(frame, label, result["partial_unexpected_index_list"])
            if rows:
                observed += f" [{label}: {', '.join(rows[:10])}]"
        out.append(ExpectationResult(checkpoint, suite, config.type, column, rule, bool(r.success), observed))
    return out


def run_checkpoints(frames: Sequence[_Frame], config: GateConfig, docs_dir: Path | None, report: GateReport,
                    say: Callable[[str], None]) -> None:
    """Suites, validation definitions and one checkpoint per gate, run in CHECKPOINTS order."""
    import great_expectations as gx

    context = _context(docs_dir)
    datasource = context.data_sources.add_pandas("warehouse")
    by_checkpoint: dict[str, list[Any]] = {name: [] for name in CHECKPOINTS}
    paths = {frame.spec.name: frame.path for frame in frames}
    for frame in frames:
        asset = datasource.add_parquet_asset(frame.spec.name, frame.path)
        batch = asset.add_batch_definition_whole_dataframe(frame.spec.name)
        suite = context.suites.add(gx.ExpectationSuite(name=frame.spec.name))
        for expectation in frame.spec.expectations(frame.columns, config):
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=frame.spec.name, data=batch, suite=suite))
        by_checkpoint[frame.spec.checkpoint].append(definition)
    for name, definitions in by_checkpoint.items():
        if not definitions:
            report.checkpoints[name] = not any(r.checkpoint == name and not r.success for r in report.results)
            say(f"checkpoint {name}: nothing to validate")
            continue
        checkpoint = context.checkpoints.add(gx.Checkpoint(name=name, validation_definitions=definitions,
                                                           result_format="SUMMARY"))
        started = time.monotonic()
        result = checkpoint.run()
        flattened: list[ExpectationResult] = []
        for validation in result.run_results.values():
            flattened += _flatten(name, validation.suite_name, validation, paths.get(validation.suite_name))
        report.results += flattened
        failed = sum(1 for r in flattened if not r.success)
        report.checkpoints[name] = bool(result.success) and not any(
            r.checkpoint == name and not r.success for r in report.results)
        say(f"checkpoint {name}: {len(definitions)} suites, {len(flattened)} expectations, "
            f"{failed} failed ({time.monotonic() - started:.1f} s)")
    if docs_dir is not None:
        # once for all checkpoints (an UpdateDataDocsAction per checkpoint re-renders the site each time)
        started = time.monotonic()
        context.build_data_docs(site_names=[DATA_DOCS_SITE])
        say(f"data docs: {docs_dir / 'index.html'} ({time.monotonic() - started:.1f} s)")


def run_gates(db_path: Path, config: GateConfig, docs_dir: Path | None = None,
              say: Callable[[str], None] | None = None, suites: Sequence[SuiteSpec] | None = None) -> GateReport:
    """Validate the warehouse at `db_path` (opened read-only; close writers first).

    Data Docs are rebuilt from scratch in `docs_dir` (when given), so they always show
    the latest validation."""
    say = say or (lambda _m: None)
    started = time.monotonic()
    report = GateReport()
    docs_dir = Path(docs_dir).resolve() if docs_dir is not None else None  # GX wants an absolute path
    with tempfile.TemporaryDirectory(prefix="loyalty-gates-") as tmp:
        frames = export_frames(Path(db_path), config, Path(tmp), suites or all_suites(), report)
        if docs_dir is not None:
            shutil.rmtree(docs_dir, ignore_errors=True)
            docs_dir.mkdir(parents=True, exist_ok=True)
        with _quiet_gx():
            run_checkpoints(frames, config, docs_dir, report, say)
    if docs_dir is not None and (docs_dir / "index.html").is_file():
        report.docs_index = docs_dir / "index.html"
    report.seconds = time.monotonic() - started
    return report
