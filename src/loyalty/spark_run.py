"""Load a book into Spark and run dbt on the `spark` target, in one process (.venv-spark).

    .venv-spark/bin/python -m loyalty.spark_run --book data/book --work /tmp/spark \
        --as-of 2026-11-24 --select +marts.revenue --dump marts.fct_mrr_bridge ...

One process, one SparkSession: the loader (loyalty.loader_spark) and dbt-spark's
`method: session` share it, so the embedded Hive metastore (Derby, one process at a time)
is never contended. The working directory is `--work`: metastore_db/, derby.log and
spark-warehouse/ are written there, not into the repository. `--dump` writes each named
relation as JSON lines (<work>/dump/<schema>.<table>.jsonl) for comparisons, and
<work>/timings.json says how long the load and each dbt command took.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from loyalty.loader_spark import load_book


def spark_session() -> Any:
    """The session dbt-spark will reuse (getOrCreate), configured as profiles.yml's spark target."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.appName("loyalty-dbt").enableHiveSupport()
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.sql.shuffle.partitions", os.environ.get("DBT_SPARK_SHUFFLE_PARTITIONS", "4"))
            .config("spark.driver.memory", os.environ.get("DBT_SPARK_DRIVER_MEMORY", "2g"))
            .config("spark.ui.enabled", "false")
            # Catalyst's constraint propagation grows exponentially with the number of
            # joins in one plan (OutOfMemoryError on the former 30-self-join account
            # hierarchy walk; Spark now walks it with higher-order functions,
            # macros/spark_revenue_helpers.sql): off, as insurance for deep join stacks
            .config("spark.sql.constraintPropagation.enabled", "false")
            .getOrCreate())


def quiet_spark_logs() -> None:
    """pyspark logs every failed statement with a full Java stack trace (dbt runs probing
    statements that are allowed to fail); dbt reports real errors itself."""
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        logging.getLogger(name).disabled = True


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"timestamp": value.isoformat(sep=" ")}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def dump(spark: Any, relation: str, out: Path) -> int:
    """`relation` as JSON lines: {"columns": [...]}, then one object per row; values keep
    their kind (decimal/timestamp/date tagged) so the reader can compare them exactly."""
    frame = spark.sql(f"select * from {relation}")
    rows = frame.collect()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"columns": frame.columns}) + "\n")
        for row in rows:
            fh.write(json.dumps({k: _plain(v) for k, v in row.asDict().items()}) + "\n")
    return len(rows)


def run_dbt(project_dir: Path, args: list[str]) -> tuple[bool, list[str]]:
    """One dbt command in-process; (success, error lines)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
                                 "--target", "spark"])
    errors = []
    for node in getattr(result.result, "results", None) or []:
        if str(node.status) in ("error", "fail", "runtime error"):
            errors.append(f"{node.node.unique_id}: {node.message}")
    if result.exception is not None:
        errors.append(str(result.exception))
    return bool(result.success), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loyalty.spark_run", description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, required=True, help="book folder to load")
    parser.add_argument("--work", type=Path, required=True, help="working folder (metastore, warehouse, dumps)")
    parser.add_argument("--project-dir", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--as-of", help="as_of_date (YYYY-MM-DD)")
    parser.add_argument("--select", nargs="+", default=[], help="dbt selectors for `dbt build`")
    parser.add_argument("--exclude", nargs="+", default=[], help="dbt selectors to leave out")
    parser.add_argument("--dump", nargs="+", default=[], help="relations (schema.table) to write as JSON lines")
    args = parser.parse_args(argv)

    book, project_dir = args.book.resolve(), args.project_dir.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    os.chdir(args.work)  # metastore_db/, derby.log, spark-warehouse/ land here
    timings: dict[str, float] = {}

    quiet_spark_logs()
    started = time.monotonic()
    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    timings["spark_start_s"] = time.monotonic() - started

    started = time.monotonic()
    counts = load_book(book, spark)
    timings["load_s"] = time.monotonic() - started
    print(f"loaded {len(counts)} tables, {sum(counts.values()):,} rows", flush=True)

    shared = ["--target-path", str(args.work / "target"), "--log-path", str(args.work / "logs"), "--threads", "1"]
    if args.as_of:
        shared += ["--vars", json.dumps({"as_of_date": args.as_of})]
    # cautious: a relationships test whose other parent is not selected stays out
    build = ["build", *shared, "--indirect-selection", "cautious"]
    if args.select:
        build += ["--select", *args.select]
    if args.exclude:
        build += ["--exclude", *args.exclude]
    # one `dbt build`: a selection such as +fct_mrr_bridge includes the seeds it reads
    started = time.monotonic()
    ok, errors = run_dbt(project_dir, build)
    timings["dbt_build_s"] = time.monotonic() - started
    print(f"dbt build: {'ok' if ok else 'FAILED'} in {timings['dbt_build_s']:.1f} s", flush=True)
    for line in errors:
        print(f"  ERROR {line}", flush=True)

    if ok:
        for relation in args.dump:
            rows = dump(spark, relation, args.work / "dump" / f"{relation}.jsonl")
            print(f"dumped {relation}: {rows} rows", flush=True)
    (args.work / "timings.json").write_text(json.dumps(timings, indent=2))
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
