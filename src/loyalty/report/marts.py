"""Read-only access to the published marts: which exist, which columns they have, their rows.

The report reads nothing but mart tables (schema `marts`), on a read-only DuckDB
connection, so it can run while nothing else writes the file and never changes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

MARTS_SCHEMA = "marts"


class MartMissing(Exception):
    """A mart (or a column the report needs from it) is not in the warehouse."""

    def __init__(self, table: str, columns: Sequence[str] = ()) -> None:
        self.table = table
        self.columns = tuple(columns)
        what = f"{MARTS_SCHEMA}.{table}"
        detail = f" lacks column(s) {', '.join(columns)}" if columns else " missing"
        super().__init__(f"{what}{detail}")


@dataclass
class MartReader:
    """Queries on the marts of one warehouse through one read-only connection."""

    con: duckdb.DuckDBPyConnection
    schema: str = MARTS_SCHEMA

    def columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [self.schema, table],
        ).fetchall()
        return [str(row[0]) for row in rows]

    def has(self, table: str) -> bool:
        return bool(self.columns(table))

    def require(self, table: str, columns: Sequence[str] = ()) -> str:
        """The qualified table name; MartMissing when the table or one of `columns` is absent."""
        present = self.columns(table)
        if not present:
            raise MartMissing(table)
        lacking = [c for c in columns if c not in present]
        if lacking:
            raise MartMissing(table, lacking)
        return f'"{self.schema}"."{table}"'

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        row = self.con.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]


@contextmanager
def open_marts(warehouse: Path) -> Iterator[MartReader]:
    """A MartReader on `warehouse`, opened read-only and closed afterwards."""
    path = Path(warehouse).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}; run `loyalty demo` or `loyalty build` first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield MartReader(con)
    finally:
        con.close()
