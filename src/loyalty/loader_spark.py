"""Land a book folder in Spark's raw schemas (databases) for the `spark` dbt target.

Runs in the Spark environment (`bash scripts/spark_env.sh` -> .venv-spark, pyspark only;
this module imports no DuckDB). Same contract as the DuckDB loader (loyalty.loader): the
book is checked first (loyalty.book_files.inspect_book); CSV columns land as `string`
named exactly as in SOURCES.md, an empty field -- quoted or not -- is null, absent optional
columns are null strings; Parquet keeps its types. Spark has no multi-table transaction:
every file is read and counted (FAILFAST) before the first table is replaced, so a bad
file stops the load before anything changes; the writes themselves are one
`saveAsTable(mode=overwrite)` per table.

    spark = SparkSession.builder.enableHiveSupport().getOrCreate()
    load_book(Path("data/book"), spark)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from loyalty.book_files import DEFAULT_SCHEMAS, LoadError, SourceFile, check_schema_mapping, inspect_book
from loyalty.contract import SCHEMAS


def quote_ident(name: str) -> str:
    """A Spark SQL identifier in backticks (`case`, `user`, `end` ...)."""
    return "`" + name.replace("`", "``") + "`"


def session() -> Any:
    """The process's Spark session, created as dbt-spark's `method: session` creates it
    (Hive support, session time zone UTC)."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.appName("loyalty-load").enableHiveSupport()
            .config("spark.sql.session.timeZone", "UTC").getOrCreate())


def read_frame(spark: Any, source: SourceFile) -> Any:
    """The file as a DataFrame with the contract's columns in order."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    path = str(source.path.resolve())
    if source.format == "csv":
        schema = StructType([StructField(c, StringType(), True) for c in source.columns])
        frame = (spark.read.schema(schema)
                 .option("header", "true").option("sep", ",").option("quote", '"').option("escape", '"')
                 .option("multiLine", "true").option("mode", "FAILFAST").option("encoding", "UTF-8")
                 .option("nullValue", "").option("enforceSchema", "false")
                 .csv(path))
        # an empty field is null whether or not it was quoted (as DuckDB's nullstr = '')
        frame = frame.select([F.when(F.col(c) == "", F.lit(None)).otherwise(F.col(c)).alias(c)
                              for c in source.columns])
    else:
        frame = spark.read.parquet(path)
    return frame.select([F.col(c) if c in source.columns else F.lit(None).cast("string").alias(c)
                         for c in source.table.columns])


def load_book(
    source_dir: Path,
    spark: Any = None,
    schemas: Mapping[str, str] = DEFAULT_SCHEMAS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the raw tables in Spark's metastore with the book in `source_dir`.

    `spark`: a SparkSession (default: `session()`). `schemas` maps each contract schema to
    its raw database (dbt vars `<source>_schema`). Returns rows per contract table
    ('schema.table'). Raises LoadError, with no table replaced, when a file is missing,
    breaks the contract, or cannot be read.
    """
    check_schema_mapping(schemas)
    say = progress or (lambda _message: None)
    files = inspect_book(Path(source_dir))
    spark = spark or session()
    frames: list[tuple[SourceFile, Any, int]] = []
    for source in files:  # read everything first: a bad file stops the load before any write
        try:
            frame = read_frame(spark, source).cache()
            frames.append((source, frame, frame.count()))
        except Exception as exc:  # Py4J/Spark raise many types for a malformed file
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LoadError(f"{source.path}: cannot be read: {first}") from exc
    counts: dict[str, int] = {}
    for raw_schema in dict.fromkeys(schemas[s] for s in SCHEMAS):
        spark.sql(f"create database if not exists {quote_ident(raw_schema)}")
    for source, frame, rows in frames:
        target = f"{quote_ident(schemas[source.table.schema])}.{quote_ident(source.table.name)}"
        frame.write.mode("overwrite").format("parquet").saveAsTable(target)
        frame.unpersist()
        counts[source.table.qualified] = rows
        filled = f", null column(s) {', '.join(source.absent_optional)}" if source.absent_optional else ""
        say(f"{source.table.qualified:<36} {rows:>12,} rows  ({source.format}{filled})")
    return counts


def main(argv: list[str] | None = None) -> int:
    """`python -m loyalty.loader_spark --from DIR` (in .venv-spark)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m loyalty.loader_spark",
                                     description="Load a book folder into Spark's raw databases.")
    parser.add_argument("--from", dest="source_dir", type=Path, required=True, metavar="DIR")
    args = parser.parse_args(argv)
    try:
        counts = load_book(args.source_dir, progress=print)
    except LoadError as exc:
        print(f"error: {exc}")
        return 2
    print(f"loaded {len(counts)} tables, {sum(counts.values()):,} rows into spark")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
