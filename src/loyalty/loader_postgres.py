"""Land a book folder in PostgreSQL's raw schemas (the `postgres` dbt target).

Same contract as the DuckDB loader (loyalty.loader): the book is checked first
(loyalty.book_files.inspect_book), every column lands as `text` named exactly as in
SOURCES.md (absent optional columns as null text), an empty CSV field -- quoted or not --
is null (as DuckDB's nullstr = ''), and all tables are replaced in one transaction: a
failed load leaves the previous raw data as it was. CSV goes through COPY FROM STDIN;
Parquet is read with pyarrow and streamed as CSV text (types become text, which staging
parses either way).

Connection: the DBT_PG_HOST / _PORT / _USER / _PASSWORD / _DATABASE variables
profiles.yml reads, with the same defaults.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from loyalty.book_files import DEFAULT_SCHEMAS, LoadError, SourceFile, check_schema_mapping, inspect_book
from loyalty.contract import SCHEMAS

_COPY_LINE = re.compile(r"\bline (\d+)")

# env var -> (psycopg2 keyword, default); defaults match profiles.yml's postgres target
CONNECTION_ENV: Mapping[str, tuple[str, str]] = {
    "DBT_PG_HOST": ("host", "127.0.0.1"),
    "DBT_PG_PORT": ("port", "5432"),
    "DBT_PG_USER": ("user", "postgres"),
    "DBT_PG_PASSWORD": ("password", ""),
    "DBT_PG_DATABASE": ("dbname", "loyalty"),
}


def connection_params(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """psycopg2.connect keywords from the DBT_PG_* variables (or `overrides`, same names)."""
    source = {**os.environ, **(overrides or {})}
    params = {keyword: source.get(name, default) for name, (keyword, default) in CONNECTION_ENV.items()}
    if not params["password"]:
        params.pop("password")
    return params


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier in double quotes (`case`, `user`, `end` ... are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def create_sql(target: str, source: SourceFile) -> str:
    columns = ", ".join(f"{quote_ident(c)} text" for c in source.table.columns)
    return f"create table {target} ({columns})"


def copy_sql(target: str, source: SourceFile) -> str:
    """COPY of the file's own columns (header order); every column's empty value is null."""
    columns = ", ".join(quote_ident(c) for c in source.columns)
    return (f"copy {target} ({columns}) from stdin with (format csv, header true, delimiter ',', "
            f"quote '\"', escape '\"', null '', force_null ({columns}), encoding 'UTF8')")


def prepare_table(cur: Any, raw_schema: str, source: SourceFile) -> None:
    """An empty raw table with the contract's columns as text. A table already in that shape
    is truncated, so the staging views that read it survive a reload; any other table of
    that name is dropped (with its dependent views, which the next dbt run recreates)."""
    target = f"{quote_ident(raw_schema)}.{quote_ident(source.table.name)}"
    cur.execute("select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (raw_schema, source.table.name))
    existing = cur.fetchall()
    if existing == [(c, "text") for c in source.table.columns]:
        cur.execute(f"truncate table {target}")
        return
    cur.execute(f"drop table if exists {target} cascade")
    cur.execute(create_sql(target, source))


@contextmanager
def open_as_csv(source: SourceFile) -> Iterator[IO[bytes]]:
    """The file as UTF-8 CSV bytes with a header row (a BOM is dropped; Parquet -> CSV text)."""
    if source.format == "csv":
        with source.path.open("rb") as fh:
            if fh.read(3) != b"\xef\xbb\xbf":
                fh.seek(0)
            yield fh
        return
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    table = pq.read_table(source.path, columns=list(source.columns))
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=True, quoting_style="needed"))
    buffer.seek(0)
    yield buffer


def _copy_error(source: SourceFile, exc: Exception) -> LoadError:
    text = str(exc).strip()
    context = getattr(getattr(exc, "diag", None), "context", None) or ""
    match = _COPY_LINE.search(context) or _COPY_LINE.search(text)
    where = f" line {match.group(1)}:" if match else ""
    first = text.splitlines()[0] if text else type(exc).__name__
    return LoadError(f"{source.path}:{where} cannot be read: {first}")


def load_book(
    source_dir: Path,
    connection: Mapping[str, str] | None = None,
    schemas: Mapping[str, str] = DEFAULT_SCHEMAS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the raw tables in PostgreSQL with the book in `source_dir`.

    `connection` overrides the DBT_PG_* variables (same names). `schemas` maps each
    contract schema to its raw schema (dbt vars `<source>_schema`). Returns rows per
    contract table ('schema.table'). Raises LoadError, with nothing changed, when a file is
    missing, breaks the contract, or cannot be read.
    """
    import psycopg2

    check_schema_mapping(schemas)
    say = progress or (lambda _message: None)
    files = inspect_book(Path(source_dir))
    counts: dict[str, int] = {}
    con: Any = psycopg2.connect(**connection_params(connection))
    try:
        with con:  # one transaction: commit on success, rollback on any error
            with con.cursor() as cur:
                for raw_schema in dict.fromkeys(schemas[s] for s in SCHEMAS):
                    cur.execute(f"create schema if not exists {quote_ident(raw_schema)}")
                for source in files:
                    target = f"{quote_ident(schemas[source.table.schema])}.{quote_ident(source.table.name)}"
                    prepare_table(cur, schemas[source.table.schema], source)
                    try:
                        with open_as_csv(source) as fh:
                            cur.copy_expert(copy_sql(target, source), fh)
                    except psycopg2.Error as exc:
                        raise _copy_error(source, exc) from exc
                    counts[source.table.qualified] = max(cur.rowcount, 0)
                    cur.execute(f"analyze {target}")  # planner statistics for the fresh rows
                    filled = f", null column(s) {', '.join(source.absent_optional)}" if source.absent_optional else ""
                    say(f"{source.table.qualified:<36} {counts[source.table.qualified]:>12,} rows  "
                        f"({source.format}{filled})")
    finally:
        con.close()
    return counts
