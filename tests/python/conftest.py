"""Shared fixtures: small books, isolated warehouses and dbt paths, one staging build per book.

Nothing here touches the developer's warehouse/loyalty.duckdb, target/ or logs/: every
test gets its own DBT_DUCKDB_PATH / DBT_TARGET_PATH / DBT_LOG_PATH, and the session's
dbt builds write to their own temporary folders.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from loyalty import dbt_ops
from loyalty.dbt_ops import environment  # noqa: F401 (tests import it from here)
from loyalty import faults as fault_spec
from loyalty.contract import TABLES, Table
from loyalty.loader import load_book
from loyalty.paths import repo_root
from pg_server import PgServer, PgUnavailable

END_DATE = date(2026, 11, 24)
SMALL_BOOK = {"seed": 7, "customers": 25, "months": 15, "end_date": END_DATE}


# -- isolation ---------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def isolated_dbt_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Default warehouse, dbt target and log paths of every test point into its tmp_path."""
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "env_default.duckdb"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt_logs"))
    return tmp_path


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return repo_root()


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    """Rows of one query on a read-only connection that is closed again at once."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# -- a hand-made tiny book (no generator needed) -------------------------------------------------

def tiny_rows(table: Table, rows: int, tag: str = "") -> list[dict[str, str]]:
    """`rows` text rows for a contract table: ids '<table>_<n>', other columns '<column>_<n>'."""
    return [{c: (f"{table.name}_{i}{tag}" if c == table.key else f"{c}_{i}") for c in table.columns}
            for i in range(1, rows + 1)]


def write_csv(path: Path, columns: list[str] | tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    return path


def write_tiny_book(out: Path, rows: int = 2, tag: str = "") -> Path:
    """<out>/<schema>/<table>.csv for every contract table, `rows` rows each."""
    for table in TABLES:
        write_csv(out / table.schema / f"{table.name}.csv", table.columns, tiny_rows(table, rows, tag))
    return out


@pytest.fixture
def tiny_book(tmp_path: Path) -> Path:
    return write_tiny_book(tmp_path / "tiny_book")


# -- generated books and their staging builds (once per session) ---------------------------------

def generate_small_book(out: Path, faults: bool, formats: tuple[str, ...] = ("csv",)) -> dict[str, int]:
    from loyalty.generator import BookConfig, generate_book

    return generate_book(BookConfig(out_dir=out, faults=faults, formats=formats, **SMALL_BOOK))


@dataclass(frozen=True)
class StagedBook:
    """A generated book, loaded and built with `dbt build` (seeds, staging, marts, every dbt test)."""

    book: Path
    db: Path
    written: dict[str, int]
    loaded: dict[str, int]
    outcome: dbt_ops.Outcome

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
        return query(self.db, sql, params)

    def manifest(self) -> list[dict[str, str]]:
        with (self.book / fault_spec.MANIFEST_PATH).open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))


def stage_book(root: Path, project_dir: Path, faults: bool) -> StagedBook:
    book, db = root / "book", root / "warehouse.duckdb"
    written = generate_small_book(book, faults=faults)
    loaded = load_book(book, db)
    settings = dbt_ops.DbtSettings(project_dir=project_dir, db_path=db,
                                   target_path=root / "target", log_path=root / "logs")
    outcome = dbt_ops.build(settings, dbt_ops.BuildOptions(as_of=END_DATE))
    if not outcome.success:  # every test on this book would fail for the same reason: say it once, clearly
        errors = [f"{n.unique_id}: {n.message}" for n in outcome.nodes if n.bucket == "error"]
        pytest.fail(f"dbt {' + '.join(outcome.commands)} failed (log: {root / 'logs'}):\n"
                    + "\n".join(outcome.exceptions + errors), pytrace=False)
    return StagedBook(book, db, written, loaded, outcome)


@pytest.fixture(scope="session")
def staged_faulty(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> Iterator[StagedBook]:
    yield stage_book(tmp_path_factory.mktemp("faulty"), project_dir, faults=True)


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    """A throw-away PostgreSQL 15 per test module (tests/python/pg_server.py); skips the
    module's PostgreSQL tests when no server can start here."""
    try:
        server = PgServer.start(tmp_path_factory.mktemp("pg"))
    except PgUnavailable as exc:
        pytest.skip(f"PostgreSQL cannot start here: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def staged_clean(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> Iterator[StagedBook]:
    yield stage_book(tmp_path_factory.mktemp("clean"), project_dir, faults=False)
