"""`loyalty`: generate a demo book, load it into DuckDB, build the warehouse with dbt.

    loyalty demo                                  # all of it, on the default book
    loyalty generate --out data/book --faults     # CSV/Parquet per SOURCES.md
    loyalty load --from data/book                 # -> raw schemas in the warehouse
    loyalty build --select staging                # dbt seed + dbt build, in-process
    loyalty status                                # what the warehouse holds
    loyalty refresh --from data/book              # load -> build -> gates -> publish (write-audit-publish)
    loyalty validate                              # the Great Expectations gates on the published file
    loyalty rollback                              # put the previous published version back
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from loyalty import __version__, dbt_ops, summary
from loyalty.loader import TARGETS, LoadError, load_book, load_book_into
from loyalty.paths import DEFAULT_BOOK, DEMO_BOOK, ProjectNotFoundError, default_db_path, prepare_db_path, repo_root
from loyalty.progress import Reporter
from loyalty import refresh as wap  # write-audit-publish: `refresh`, `validate`, `rollback`

EXIT_OK = 0
EXIT_ERROR = 1  # unexpected: e.g. the warehouse file is locked by another process
EXIT_BAD_INPUT = 2  # bad arguments, a book that breaks the contract (LoadError), no such file
EXIT_BUILD_FAILED = 3  # dbt seed/build failed (a model, a test, or the project itself)
EXIT_QUALITY_GATE = 4  # reserved: a data-quality gate failed
EXIT_INTERRUPTED = 130

FORMAT_CHOICES = {"csv": ("csv",), "parquet": ("parquet",), "both": ("csv", "parquet")}
MAX_PROBLEMS_SHOWN = 20


class BadInput(Exception):
    """An argument combination the commands reject (reported, exit code 2)."""


# -- argument types ----------------------------------------------------------------------------

def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


# -- parser ------------------------------------------------------------------------------------

def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", "--warehouse", dest="db", type=Path, metavar="PATH",
                        help="DuckDB warehouse file (default: $DBT_DUCKDB_PATH or <repo>/warehouse/loyalty.duckdb)")


def _add_book(parser: argparse.ArgumentParser, out_help: str, end_help: str) -> None:
    from loyalty.generator.config import DEFAULT_EVENTS_PER_USER_DAY

    book = parser.add_argument_group("book")
    book.add_argument("--out", type=Path, metavar="DIR", help=out_help)
    book.add_argument("--seed", type=non_negative_int, default=42, metavar="N", help="random seed (default: 42)")
    book.add_argument("--customers", type=positive_int, default=300, metavar="N", help="number of customers (default: 300)")
    book.add_argument("--months", type=positive_int, default=36, metavar="N", help="months of history (default: 36)")
    book.add_argument("--end-date", type=iso_date, metavar="YYYY-MM-DD", help=end_help)
    book.add_argument("--faults", action="store_true",
                      help="inject connector faults and write _faults/manifest.csv (see loyalty.faults)")
    book.add_argument("--format", choices=sorted(FORMAT_CHOICES), default="csv",
                      help="file format (default: csv)")
    book.add_argument("--events-per-user-day", type=non_negative_float, metavar="RATE",
                      default=DEFAULT_EVENTS_PER_USER_DAY,
                      help=f"mean product events per active user per day (default: {DEFAULT_EVENTS_PER_USER_DAY})")


def _add_build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", "-s", nargs="+", action="extend", default=[], metavar="SELECTOR",
                        help="dbt selectors, e.g. staging marts.revenue+ (default: everything); "
                             "a selected build runs `dbt seed` first")
    parser.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="SELECTOR",
                        help="dbt selectors to leave out")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models and seeds")
    parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                        help="bound every metric by this date (dbt var as_of_date; default: today, UTC)")
    parser.add_argument("--threads", type=positive_int, metavar="N", help="dbt threads (default: the profile's)")
    _add_db(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loyalty",
        description="B2B customer-loyalty warehouse: demo data, raw loading and the dbt build, on DuckDB.",
        epilog="Exit codes: 0 ok, 2 bad input, 3 build failed, 4 quality gate failed, 1 other error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="generate the demo book and refresh the warehouse with it, show a summary",
                          description="Generate the default demo book into data/demo (ending today, UTC), "
                                      "then `loyalty refresh --from data/demo` (load, dbt seed + build, quality "
                                      "gates, publish), and print row counts, rejects, the MRR bridge and "
                                      "retention.")
    _add_book(demo, out_help="book folder (default: <repo>/data/demo)", end_help="last day of the book "
              "and as-of date (default: today, UTC)")
    demo.add_argument("--threads", type=positive_int, metavar="N", help="dbt threads (default: the profile's)")
    _add_db(demo)

    generate = sub.add_parser("generate", help="write a demo book (CSV/Parquet per the source contract)",
                              description="Write a deterministic demo book: <out>/<schema>/<table>.csv "
                                          "(or .parquet) for the 19 raw tables of SOURCES.md.")
    _add_book(generate, out_help="output folder (default: <repo>/data/book)",
              end_help="last day of the book (default: today, UTC)")

    load = sub.add_parser("load", help="load a book folder into the raw schemas",
                          description="Check every <dir>/<schema>/<table>.csv|.parquet against the source "
                                      "contract, then replace the raw tables, all in one transaction.")
    load.add_argument("--from", dest="source_dir", type=Path, required=True, metavar="DIR",
                      help="book folder holding <schema>/<table>.csv or .parquet")
    load.add_argument("--target", choices=TARGETS, default="duckdb",
                      help="dbt target whose raw schemas to load (default: duckdb; postgres reads the "
                           "DBT_PG_* variables; spark needs pyspark, see README \"Other engines\")")
    _add_db(load)

    build = sub.add_parser("build", help="run dbt seed + dbt build in-process",
                           description="Run dbt (seed, then build) on the warehouse with this project's "
                                       "profiles.yml; prints per-node progress and a pass/warn/error/skip tally.")
    _add_build(build)

    status = sub.add_parser("status", help="list the warehouse's tables and row counts",
                            description="Show the warehouse file and every schema's tables and views.")
    _add_db(status)

    report = sub.add_parser("report", help="write the loyalty report (one self-contained HTML file) from the marts",
                            description="Render the loyalty report from the warehouse's mart tables (read-only) "
                                        "into one HTML file that works offline; --docs-out also writes the "
                                        "static dbt docs site (dbt docs generate --static).")
    report.add_argument("--warehouse", "--db", dest="db", type=Path, metavar="PATH",
                        help="DuckDB warehouse file (default: $DBT_DUCKDB_PATH or <repo>/warehouse/loyalty.duckdb)")
    report.add_argument("--out", type=Path, metavar="FILE.html",
                        help="report file (default: <repo>/reports/loyalty_report.html)")
    report.add_argument("--docs-out", type=Path, metavar="FILE.html",
                        help="also write the self-contained dbt docs site to this file")
    _add_refresh_parsers(sub)
    return parser


# -- commands ----------------------------------------------------------------------------------

def _db(args: argparse.Namespace, root: Path) -> Path:
    return prepare_db_path(args.db if args.db is not None else default_db_path(root))


def _generate(args: argparse.Namespace, out: Path, end: date | None, reporter: Reporter) -> dict[str, int]:
    from loyalty.generator import BookConfig, generate_book

    try:
        cfg = BookConfig(out_dir=out, seed=args.seed, customers=args.customers, months=args.months,
                         end_date=end, faults=args.faults, formats=FORMAT_CHOICES[args.format],
                         events_per_user_day=args.events_per_user_day, progress=reporter.line)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    counts = generate_book(cfg)
    reporter.line(f"wrote {len(counts)} tables, {sum(counts.values()):,} rows to {out}")
    return counts


def _load(source_dir: Path, db: Path, reporter: Reporter) -> dict[str, int]:
    counts = load_book(source_dir, db, progress=lambda message: reporter.line(f"  {message}"))
    reporter.line(f"loaded {len(counts)} tables, {sum(counts.values()):,} rows into {db}")
    return counts


def _build(root: Path, db: Path, options: dbt_ops.BuildOptions, reporter: Reporter) -> dbt_ops.Outcome:
    settings = dbt_ops.DbtSettings(project_dir=root, db_path=db)
    outcome = dbt_ops.build(settings, options, reporter.counter)
    tally = ", ".join(f"{count} {key}" for key, count in outcome.tally.items())
    reporter.line(f"dbt {' + '.join(c.split()[0] for c in outcome.commands)}: {tally}")
    for node in outcome.problems[:MAX_PROBLEMS_SHOWN]:
        reporter.line(f"  {node.bucket.upper():<5} {node.unique_id}: {node.message}")
    if len(outcome.problems) > MAX_PROBLEMS_SHOWN:
        reporter.line(f"  ... and {len(outcome.problems) - MAX_PROBLEMS_SHOWN} more")
    for message in outcome.exceptions:
        reporter.error(message)
    if not outcome.success:
        reporter.error(f"dbt failed; details in dbt's log ({root / 'logs' / 'dbt.log'} or $DBT_LOG_PATH)")
    return outcome


def cmd_generate(args: argparse.Namespace, reporter: Reporter) -> int:
    out = args.out if args.out is not None else repo_root() / DEFAULT_BOOK
    _generate(args, out, args.end_date, reporter)
    return EXIT_OK


def cmd_load(args: argparse.Namespace, reporter: Reporter) -> int:
    root = repo_root()
    if args.target != "duckdb":
        counts = load_book_into(args.target, args.source_dir,
                                progress=lambda message: reporter.line(f"  {message}"))
        reporter.line(f"loaded {len(counts)} tables, {sum(counts.values()):,} rows into {args.target}")
        return EXIT_OK
    _load(args.source_dir, _db(args, root), reporter)
    return EXIT_OK


def cmd_build(args: argparse.Namespace, reporter: Reporter) -> int:
    root = repo_root()
    options = dbt_ops.BuildOptions(select=tuple(args.select), exclude=tuple(args.exclude),
                                   full_refresh=args.full_refresh, as_of=args.as_of, threads=args.threads)
    outcome = _build(root, _db(args, root), options, reporter)
    return EXIT_OK if outcome.success else EXIT_BUILD_FAILED


def cmd_demo(args: argparse.Namespace, reporter: Reporter) -> int:
    started = time.monotonic()
    root = repo_root()
    out = args.out if args.out is not None else root / DEMO_BOOK
    end = args.end_date or utc_today()
    db = _db(args, root)
    reporter.heading(f"generate the demo book ({args.customers} customers, {args.months} months to {end})")
    _generate(args, out, end, reporter)
    # the demo book replaces the raw data wholesale: no row-count comparison with the last load
    request = wap.RefreshRequest(project_dir=root, published=db, book=out, as_of=end, threads=args.threads,
                                 new_baseline=True)
    try:
        record = wap.refresh(request, reporter)
    except wap.RefreshBusy as exc:
        reporter.error(str(exc))
        return EXIT_ERROR
    if record.exit_code == EXIT_OK:
        reporter.heading("summary")
        reporter.line(f"warehouse: {db}")
        summary.print_demo_summary(reporter, db)
        _write_demo_report(root, db, reporter)
    reporter.line(f"elapsed: {time.monotonic() - started:,.1f} s")
    return record.exit_code


def cmd_status(args: argparse.Namespace, reporter: Reporter) -> int:
    db = Path(args.db if args.db is not None else default_db_path()).expanduser().resolve()
    if not db.is_file():
        reporter.error(f"no warehouse at {db}; run `loyalty demo` or `loyalty load --from DIR`")
        return EXIT_BAD_INPUT
    summary.print_status(reporter, db)
    wap.print_run_history(reporter, db)
    return EXIT_OK


def _write_demo_report(root: Path, db: Path, reporter: Reporter) -> None:
    """The demo's last step: the static dbt docs site and the loyalty report, with their paths."""
    from loyalty.report import DocsError, write_report_and_docs

    reporter.heading("report and docs")
    try:
        report, docs = write_report_and_docs(root, db)
    except DocsError as exc:
        reporter.error(str(exc))
        return
    reporter.line(f"dbt docs (static): {docs}")
    reporter.line(f"report: {report.path} ({report.charts} charts, {report.tables} tables)")
    for missing in report.missing:
        reporter.line(f"  not available: {missing}")


def cmd_report(args: argparse.Namespace, reporter: Reporter) -> int:
    from loyalty.report import DEFAULT_REPORT_DIR, REPORT_FILE, DocsError, write_docs, write_report

    root = repo_root()
    db = Path(args.db if args.db is not None else default_db_path(root)).expanduser().resolve()
    if not db.is_file():
        raise BadInput(f"no warehouse at {db}; run `loyalty demo` or `loyalty build` first")
    if args.docs_out is not None:
        try:
            reporter.line(f"dbt docs (static): {write_docs(root, db, args.docs_out)}")
        except DocsError as exc:
            reporter.error(str(exc))
            return EXIT_BUILD_FAILED
    result = write_report(db, args.out if args.out is not None else root / DEFAULT_REPORT_DIR / REPORT_FILE)
    reporter.line(f"report: {result.path} ({result.charts} charts, {result.tables} tables)")
    for missing in result.missing:
        reporter.line(f"  not available: {missing}")
    return EXIT_OK


# -- refresh, validate, rollback (write-audit-publish; loyalty.refresh, loyalty.gates) ----------

def share(text: str) -> float:
    value = non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"a share is between 0 and 1, got {value}")
    return value


def _add_warehouse(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", "--db", dest="db", type=Path, metavar="PATH",
                        help="the published DuckDB file (default: $DBT_DUCKDB_PATH or <repo>/warehouse/loyalty.duckdb)")


def _add_gate_options(parser: argparse.ArgumentParser) -> None:
    gates = parser.add_argument_group("gates (Great Expectations; thresholds default to the dbt vars)")
    gates.add_argument("--max-reject-share", type=share, metavar="SHARE",
                       help="fail when a raw table's rejected share (duplicates excluded) passes this "
                            "(default: var max_reject_share, 0.05)")
    gates.add_argument("--max-unmapped-mrr-share", type=share, metavar="SHARE",
                       help="fail when unmapped:* customers hold more of the MRR "
                            "(default: var gate_max_unmapped_mrr_share, 0.2)")
    gates.add_argument("--new-baseline", action="store_true",
                       help="skip the raw row-count-vs-previous-load check (a new or replaced source)")
    gates.add_argument("--data-docs", type=Path, metavar="DIR",
                       help="where GX Data Docs go (default: <warehouse dir>/gx_data_docs/<name>/)")
    gates.add_argument("--no-data-docs", action="store_true", help="do not build Data Docs")


def _add_vars(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vars", metavar="YAML",
                        help="dbt vars as a YAML/JSON mapping, passed to dbt and read by the gates, "
                             "e.g. '{max_reject_share: 0.1}'")


def _add_refresh_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    refresh = sub.add_parser(
        "refresh", help="load (optional) -> dbt build -> quality gates -> publish, atomically",
        description="Write-audit-publish: build a candidate copy of the published warehouse, load the "
                    "book into it (--from), run dbt seed + build (dbt tests are the first gate), then the "
                    "Great Expectations gates (raw landing, reject accounting, marts). Only when all pass "
                    "is the candidate renamed onto the published file; the old one is kept as "
                    "<name>.previous.duckdb. A failure leaves the published file untouched.",
        epilog="Exit codes: 0 published, 2 bad input, 3 dbt build failed, 4 quality gate failed, 1 other error.")
    refresh.add_argument("--from", dest="book", type=Path, metavar="BOOK",
                         help="book folder to load first (<schema>/<table>.csv|.parquet); "
                              "default: rebuild on the raw data already published")
    _add_warehouse(refresh)
    dbt = refresh.add_argument_group("dbt")
    dbt.add_argument("--target", metavar="NAME", help="dbt target (a duckdb output of profiles.yml)")
    dbt.add_argument("--select", "-s", nargs="+", action="extend", default=[], metavar="SELECTOR",
                     help="dbt selectors (default: everything); unselected models keep the published state")
    dbt.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="SELECTOR",
                     help="dbt selectors to leave out")
    dbt.add_argument("--full-refresh", action="store_true", help="rebuild incremental models and seeds")
    dbt.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                     help="bound every metric by this date (dbt var as_of_date; default: today, UTC)")
    dbt.add_argument("--threads", type=positive_int, metavar="N", help="dbt threads (default: the profile's)")
    _add_vars(dbt)
    _add_gate_options(refresh)

    validate = sub.add_parser(
        "validate", help="run the quality gates on the published warehouse (read-only)",
        description="Run the Great Expectations checkpoints (raw landing, reject accounting, marts) on a "
                    "warehouse file as it is, print the reject accounting and failed expectations, build "
                    "Data Docs. Nothing is loaded, built or published.",
        epilog="Exit codes: 0 all gates passed, 4 a gate failed, 2 bad input, 1 other error.")
    _add_warehouse(validate)
    validate.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                          help="'future' timestamps are after this day (+ tolerance); default: today, UTC")
    _add_vars(validate)
    _add_gate_options(validate)

    rollback = sub.add_parser(
        "rollback", help="swap the published warehouse with the previous version",
        description="Atomically put <name>.previous.duckdb back as the published file; the version it "
                    "replaces becomes the previous one (run it again to undo).")
    _add_warehouse(rollback)


def _published(args: argparse.Namespace, root: Path) -> Path:
    return prepare_db_path(args.db if args.db is not None else default_db_path(root))


def _refresh_request(args: argparse.Namespace, root: Path) -> wap.RefreshRequest:
    from loyalty.gates import GateConfigError, parse_vars

    try:
        user_vars = parse_vars(getattr(args, "vars", None))
    except GateConfigError as exc:
        raise BadInput(str(exc)) from None
    return wap.RefreshRequest(
        project_dir=root, published=_published(args, root), book=getattr(args, "book", None),
        select=tuple(getattr(args, "select", ())), exclude=tuple(getattr(args, "exclude", ())),
        full_refresh=getattr(args, "full_refresh", False), as_of=args.as_of,
        threads=getattr(args, "threads", None), target=getattr(args, "target", None), dbt_vars=user_vars,
        max_reject_share=args.max_reject_share, max_unmapped_mrr_share=args.max_unmapped_mrr_share,
        new_baseline=args.new_baseline, data_docs=args.data_docs, no_data_docs=args.no_data_docs)


def cmd_refresh(args: argparse.Namespace, reporter: Reporter) -> int:
    request = _refresh_request(args, repo_root())
    try:
        record = wap.refresh(request, reporter)
    except wap.RefreshBusy as exc:
        reporter.error(str(exc))
        return EXIT_ERROR
    return record.exit_code


def cmd_validate(args: argparse.Namespace, reporter: Reporter) -> int:
    request = _refresh_request(args, repo_root())
    try:
        report = wap.validate(request, reporter)
    except wap.RefreshInputError as exc:
        raise BadInput(str(exc)) from None
    return EXIT_OK if report.success else EXIT_QUALITY_GATE


def cmd_rollback(args: argparse.Namespace, reporter: Reporter) -> int:
    published = _published(args, repo_root())
    try:
        wap.rollback(published)
    except wap.RefreshInputError as exc:
        raise BadInput(str(exc)) from None
    except wap.RefreshBusy as exc:
        reporter.error(str(exc))
        return EXIT_ERROR
    reporter.line(f"rolled back: {published} is the previous version again "
                  f"(the replaced one is {wap.WarehouseFiles(published).previous.name})")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Reporter], int]] = {
    "demo": cmd_demo,
    "generate": cmd_generate,
    "load": cmd_load,
    "build": cmd_build,
    "status": cmd_status,
    "refresh": cmd_refresh,
    "validate": cmd_validate,
    "rollback": cmd_rollback,
    "report": cmd_report,
}


def main(argv: Sequence[str] | None = None, reporter: Reporter | None = None) -> int:
    """Entry point (`loyalty`); returns the exit code."""
    args = build_parser().parse_args(argv)
    reporter = reporter or Reporter()
    try:
        return COMMANDS[args.command](args, reporter)
    except (BadInput, LoadError, ProjectNotFoundError) as exc:
        reporter.error(str(exc))
        return EXIT_BAD_INPUT
    except duckdb.Error as exc:
        reporter.error(f"DuckDB: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        reporter.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
