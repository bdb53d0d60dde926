"""Land a book folder (<dir>/<schema>/<table>.csv|.parquet) in DuckDB's raw schemas.

CSV columns land as text (varchar), exactly as named in the contract; Parquet keeps
its types (docs/architecture.md, "Raw landing"). Every file is checked against the
contract (loyalty.contract) before anything is written, and all tables load in one
transaction: a failed load leaves the previous raw data as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb

from loyalty.book_files import (  # noqa: F401  (re-exported: the loader's public names)
    DEFAULT_SCHEMAS,
    FORMATS,
    LoadError,
    SourceFile,
    check_columns,
    check_schema_mapping,
    find_file,
    inspect_book,
    read_header,
)
from loyalty.contract import SCHEMAS

_CSV_LINE = re.compile(r"\bLine:\s*(\d+)")


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes (`case`, `user`, `end` ... are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def select_sql(source: SourceFile) -> str:
    """A select of the file with the contract's columns in order; absent optional columns as null text."""
    path = quote_literal(str(source.path))
    if source.format == "csv":
        types = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in source.columns)
        reader = (f"read_csv({path}, columns = {{{types}}}, header = true, auto_detect = false, "
                  "delim = ',', quote = '\"', escape = '\"', nullstr = '', strict_mode = true)")
    else:
        reader = f"read_parquet({path})"
    items = [quote_ident(c) if c in source.columns else f"cast(null as varchar) as {quote_ident(c)}"
             for c in source.table.columns]
    return f"select {', '.join(items)} from {reader}"


def _read_error(source: SourceFile, exc: duckdb.Error) -> LoadError:
    text = str(exc).strip()
    match = _CSV_LINE.search(text)
    where = f" line {match.group(1)}:" if match else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    detail = []
    for line in lines[1:]:
        if line.lower().startswith("possible fixes"):
            break
        detail.append(line)
    return LoadError(f"{source.path}:{where} cannot be read: {first}" + (f" ({' '.join(detail)})" if detail else ""))


def load_book(
    source_dir: Path,
    db_path: Path,
    schemas: Mapping[str, str] = DEFAULT_SCHEMAS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the raw tables in `db_path` with the book in `source_dir`.

    `schemas` maps each contract schema (salesforce, stripe, segment, delighted) to the
    raw schema it lands in (dbt vars `<source>_schema`). Returns rows per contract table
    ('schema.table'). Raises LoadError, with nothing changed in the database, when a file
    is missing, breaks the contract, or cannot be read.
    """
    check_schema_mapping(schemas)
    say = progress or (lambda _message: None)
    files = inspect_book(Path(source_dir))
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with duckdb.connect(str(db_path)) as con:
        con.begin()
        try:
            for raw_schema in dict.fromkeys(schemas[s] for s in SCHEMAS):
                con.execute(f"create schema if not exists {quote_ident(raw_schema)}")
            for source in files:
                target = f"{quote_ident(schemas[source.table.schema])}.{quote_ident(source.table.name)}"
                try:
                    con.execute(f"create or replace table {target} as {select_sql(source)}")
                except duckdb.Error as exc:
                    raise _read_error(source, exc) from exc
                row = con.execute(f"select count(*) from {target}").fetchone()
                counts[source.table.qualified] = int(row[0]) if row else 0
                filled = f", null column(s) {', '.join(source.absent_optional)}" if source.absent_optional else ""
                say(f"{source.table.qualified:<36} {counts[source.table.qualified]:>12,} rows  "
                    f"({source.format}{filled})")
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return counts


TARGETS = ("duckdb", "postgres", "spark")  # the dbt targets of profiles.yml


def load_book_into(
    target: str,
    source_dir: Path,
    db_path: Path | None = None,
    schemas: Mapping[str, str] = DEFAULT_SCHEMAS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """`load_book` for any dbt target: duckdb (this module, into `db_path`), postgres
    (loyalty.loader_postgres, connection from the DBT_PG_* variables) or spark
    (loyalty.loader_spark, the process's Spark session; needs pyspark, see .venv-spark)."""
    if target == "duckdb":
        if db_path is None:
            raise LoadError("the duckdb target needs a warehouse file (db_path)")
        return load_book(source_dir, db_path, schemas, progress)
    if target == "postgres":
        from loyalty import loader_postgres

        return loader_postgres.load_book(source_dir, schemas=schemas, progress=progress)
    if target == "spark":
        try:
            from loyalty import loader_spark
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise LoadError("the spark target needs pyspark: run `bash scripts/spark_env.sh`, then "
                            f"`.venv-spark/bin/python -m loyalty.loader_spark --from DIR` ({exc})") from exc
        return loader_spark.load_book(source_dir, schemas=schemas, progress=progress)
    raise LoadError(f"unknown target {target!r}; expected one of {', '.join(TARGETS)}")
