"""Table buffers and file writers: CSV (and Parquet) per contract table."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loyalty.contract import Table

from .timeutil import fmt_date, fmt_ts

Value = str | int | float | bool | datetime | date | None


class TableBuffer:
    """Column-oriented rows of one contract table, in contract column order."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns: dict[str, list[Value]] = {c: [] for c in table.columns}
        self._names = frozenset(table.columns)

    def add(self, **values: Value) -> None:
        if len(values) != len(self._names) or not self._names.issuperset(values):
            missing = sorted(self._names - set(values))
            extra = sorted(set(values) - self._names)
            raise ValueError(f"{self.table.qualified}: row has missing {missing} / unknown {extra} columns")
        for name, col in self.columns.items():
            col.append(values[name])

    def add_row(self, row: dict[str, Value]) -> None:
        self.add(**row)

    def row(self, index: int) -> dict[str, Value]:
        return {name: col[index] for name, col in self.columns.items()}

    def set(self, index: int, **values: Value) -> None:
        for name, value in values.items():
            self.columns[name][index] = value

    def __len__(self) -> int:
        return len(self.columns[self.table.columns[0]])


def render(value: Value) -> str:
    """The CSV text of a value: booleans true/false, naive UTC timestamps, empty = null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return fmt_ts(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


def _arrow_column(values: list[Value]) -> pa.Array:
    """Booleans and integers keep their type in Parquet; everything else is text."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.bool_())
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.int64())
    return pa.array([None if v is None else render(v) for v in values], type=pa.string())


@dataclass
class BookWriter:
    """Writes each table to <out>/<schema>/<table>.csv (and .parquet)."""

    out_dir: Path
    formats: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def path(self, table: Table, ext: str) -> Path:
        folder = self.out_dir / table.schema
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{table.name}.{ext}"

    def write(self, buf: TableBuffer) -> int:
        table, n = buf.table, len(buf)
        if "csv" in self.formats:
            rendered = [[render(v) for v in buf.columns[c]] for c in table.columns]
            with self.path(table, "csv").open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
                writer.writerow(table.columns)
                writer.writerows(zip(*rendered, strict=True))
        if "parquet" in self.formats:
            arrays = [_arrow_column(buf.columns[c]) for c in table.columns]
            pq.write_table(pa.Table.from_arrays(arrays, names=list(table.columns)), self.path(table, "parquet"),
                           compression="zstd")
        self.counts[table.qualified] = n
        return n


class TracksWriter:
    """Streams segment.tracks chunk by chunk (all columns text)."""

    def __init__(self, writer: BookWriter, table: Table) -> None:
        self.table = table
        self.schema = pa.schema([(c, pa.string()) for c in table.columns])
        self.rows = 0
        self._csv = None
        self._parquet = None
        if "csv" in writer.formats:
            options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
            self._csv = pacsv.CSVWriter(str(writer.path(table, "csv")), self.schema, write_options=options)
        if "parquet" in writer.formats:
            self._parquet = pq.ParquetWriter(str(writer.path(table, "parquet")), self.schema, compression="zstd")
        self._writer = writer

    def write(self, batch: pa.Table) -> None:
        batch = batch.select(list(self.table.columns)).cast(self.schema)
        if self._csv is not None:
            self._csv.write_table(batch)
        if self._parquet is not None:
            self._parquet.write_table(batch)
        self.rows += batch.num_rows

    def close(self) -> int:
        if self._csv is not None:
            self._csv.close()
        if self._parquet is not None:
            self._parquet.close()
        self._writer.counts[self.table.qualified] = self.rows
        return self.rows


def write_manifest(out_dir: Path, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    path = out_dir / "_faults" / "manifest.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return path
