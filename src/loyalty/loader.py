"""Land a book folder (<dir>/<schema>/<table>.csv|.parquet) in DuckDB's raw schemas.

CSV columns land as text (varchar), exactly as named in the contract; Parquet keeps
its types (docs/architecture.md, "Raw landing"). Every file is checked against the
contract (loyalty.contract) before anything is written, and all tables load in one
transaction: a failed load leaves the previous raw data as it was.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from loyalty.contract import SCHEMAS, TABLES, Table

DEFAULT_SCHEMAS: Mapping[str, str] = {schema: schema for schema in SCHEMAS}
FORMATS = ("parquet", "csv")  # preference order when both files exist

_CSV_LINE = re.compile(r"\bLine:\s*(\d+)")


class LoadError(Exception):
    """A book that does not match the source contract, or a file DuckDB cannot read."""


@dataclass(frozen=True)
class SourceFile:
    """One contract table's file in the book, with the columns its header names."""

    table: Table
    path: Path
    format: str
    columns: tuple[str, ...]

    @property
    def absent_optional(self) -> tuple[str, ...]:
        return tuple(c for c in self.table.columns if c not in self.columns)


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes (`case`, `user`, `end` ... are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def find_file(source_dir: Path, table: Table) -> tuple[Path, str]:
    """<dir>/<schema>/<table>.parquet, else .csv; LoadError naming both when neither exists."""
    candidates = [(source_dir / table.schema / f"{table.name}.{fmt}", fmt) for fmt in FORMATS]
    for path, fmt in candidates:
        if path.is_file():
            return path, fmt
    tried = " or ".join(str(p) for p, _ in candidates)
    raise LoadError(f"{table.qualified}: missing file {tried}")


def read_header(path: Path, fmt: str) -> tuple[str, ...]:
    """The column names of a CSV header line or a Parquet schema."""
    if fmt == "parquet":
        try:
            return tuple(pq.read_schema(path).names)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise LoadError(f"{path}: not a readable Parquet file ({exc})") from exc
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: row 1 (header) is not UTF-8 text ({exc.reason})") from exc
    if not header:
        raise LoadError(f"{path}: row 1: empty file, expected a header row of column names")
    return tuple(name.strip() for name in header)


def check_columns(table: Table, path: Path, columns: tuple[str, ...]) -> None:
    """LoadError naming the file and the columns when a header breaks the contract."""
    problems = []
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        problems.append(f"repeated column(s) {', '.join(repeated)}")
    missing = [c for c in table.required if c not in columns]
    if missing:
        problems.append(f"missing required column(s) {', '.join(missing)}")
    extra = [c for c in columns if c not in table.columns]
    if extra:
        problems.append(f"unexpected column(s) {', '.join(extra)} (not in the {table.qualified} contract)")
    if problems:
        raise LoadError(f"{path}: " + "; ".join(problems) + f". Expected columns: {', '.join(table.columns)}")


def inspect_book(source_dir: Path) -> list[SourceFile]:
    """Every contract table's file, checked against the contract. Nothing is loaded."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise LoadError(f"{source_dir}: not a folder (expected <dir>/<schema>/<table>.csv or .parquet)")
    files = []
    for table in TABLES:
        path, fmt = find_file(source_dir, table)
        columns = read_header(path, fmt)
        check_columns(table, path, columns)
        files.append(SourceFile(table, path, fmt, columns))
    return files


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
    unknown = sorted(set(schemas) - set(SCHEMAS))
    absent = sorted(set(SCHEMAS) - set(schemas))
    if unknown or absent:
        raise LoadError(f"schema mapping must name exactly {', '.join(SCHEMAS)}; "
                        f"unknown {unknown or '-'}, absent {absent or '-'}")
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
