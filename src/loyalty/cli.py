"""`loyalty`: generate a demo book, load it into DuckDB, build the warehouse with dbt.

    loyalty demo                                  # all of it, on the default book
    loyalty generate --out data/book --faults     # CSV/Parquet per SOURCES.md
    loyalty load --from data/book                 # -> raw schemas in the warehouse
    loyalty build --select staging                # dbt seed + dbt build, in-process
    loyalty status                                # what the warehouse holds
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
from loyalty.loader import LoadError, load_book
from loyalty.paths import DEFAULT_BOOK, DEMO_BOOK, ProjectNotFoundError, default_db_path, prepare_db_path, repo_root
from loyalty.progress import Reporter

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
    parser.add_argument("--db", type=Path, metavar="PATH",
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

    demo = sub.add_parser("demo", help="generate the demo book, load it, build everything, show a summary",
                          description="Generate the default demo book into data/demo (ending today, UTC), "
                                      "load it into the warehouse, run dbt seed + build, and print row "
                                      "counts, rejects, the MRR bridge and retention.")
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
    _add_db(load)

    build = sub.add_parser("build", help="run dbt seed + dbt build in-process",
                           description="Run dbt (seed, then build) on the warehouse with this project's "
                                       "profiles.yml; prints per-node progress and a pass/warn/error/skip tally.")
    _add_build(build)

    status = sub.add_parser("status", help="list the warehouse's tables and row counts",
                            description="Show the warehouse file and every schema's tables and views.")
    _add_db(status)
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
    reporter.heading(f"1/3 generate the demo book ({args.customers} customers, {args.months} months to {end})")
    _generate(args, out, end, reporter)
    reporter.heading("2/3 load it into the warehouse")
    _load(out, db, reporter)
    reporter.heading("3/3 dbt build")
    outcome = _build(root, db, dbt_ops.BuildOptions(as_of=end, threads=args.threads), reporter)
    reporter.heading("summary")
    reporter.line(f"warehouse: {db}")
    summary.print_demo_summary(reporter, db)
    reporter.line(f"elapsed: {time.monotonic() - started:,.1f} s")
    return EXIT_OK if outcome.success else EXIT_BUILD_FAILED


def cmd_status(args: argparse.Namespace, reporter: Reporter) -> int:
    db = Path(args.db if args.db is not None else default_db_path()).expanduser().resolve()
    if not db.is_file():
        reporter.error(f"no warehouse at {db}; run `loyalty demo` or `loyalty load --from DIR`")
        return EXIT_BAD_INPUT
    summary.print_status(reporter, db)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Reporter], int]] = {
    "demo": cmd_demo,
    "generate": cmd_generate,
    "load": cmd_load,
    "build": cmd_build,
    "status": cmd_status,
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
