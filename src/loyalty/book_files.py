"""A book folder (<dir>/<schema>/<table>.csv|.parquet) checked against the source contract.

Engine-neutral (no database imports): every loader (DuckDB `loyalty.loader`, PostgreSQL
`loyalty.loader_postgres`, Spark `loyalty.loader_spark`) inspects the book with
`inspect_book` before writing anything and raises `LoadError` for a bad book.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from loyalty.contract import SCHEMAS, TABLES, Table

DEFAULT_SCHEMAS: Mapping[str, str] = {schema: schema for schema in SCHEMAS}
FORMATS = ("parquet", "csv")  # preference order when both files exist



class LoadError(Exception):
    """A book that does not match the source contract, or a file the engine cannot read."""


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
        import pyarrow.parquet as pq  # only for Parquet books

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



def check_schema_mapping(schemas: Mapping[str, str]) -> None:
    """LoadError unless `schemas` maps exactly the contract schemas to raw schema names."""
    unknown = sorted(set(schemas) - set(SCHEMAS))
    absent = sorted(set(SCHEMAS) - set(schemas))
    if unknown or absent:
        raise LoadError(f"schema mapping must name exactly {', '.join(SCHEMAS)}; "
                        f"unknown {unknown or '-'}, absent {absent or '-'}")
