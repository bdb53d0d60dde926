"""The same book on DuckDB, PostgreSQL and (when its environment exists) Spark: every mart equal.

DuckDB side: conftest's session book `staged_faulty` (the small faulty book, full
in-process `dbt build`). PostgreSQL side: a throw-away server (tests/python/pg_server.py:
initdb + pg_ctl on a free loopback port, stopped at the end), the same book loaded with
loyalty.loader_postgres, `dbt build --target postgres` (every model, test and unit test).
The marts compared are discovered from the PostgreSQL build's manifest (every model under
models/marts), so a new mart is covered without touching this file; the staging row
accounting is compared too (it shows the safe casts agree on every bad value). Rows are
matched on the mart's grain (its unique / unique_combination_of_columns test); amounts
must agree to the cent, rates (doubles) to 1e-9, everything else exactly.

Spark (revenue spine + health marts) runs in its own environment (.venv-spark, built
here by scripts/spark_env.sh when missing: idempotent, ~72 s cold) through
loyalty.spark_run in a subprocess: load + `dbt build` of those marts' lineage (models,
data and unit tests), then the same comparison. It runs by default (times in
README "Other engines"); LOYALTY_TEST_SPARK=0 turns it off for quick local runs. It skips
only when Spark truly cannot start: no Java, or .venv-spark cannot be installed (no
network to PyPI), or the JVM gateway does not come up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import END_DATE, StagedBook, environment

from loyalty import audit, dbt_ops, loader_postgres

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_server import PgServer  # noqa: E402

pytestmark = pytest.mark.slow

AMOUNT_TOLERANCE = Decimal("0.005")  # to the cent
RATE_TOLERANCE = 1e-9
EXTRA_RELATIONS = ("staging.stg_raw_row_accounting",)  # compared besides the marts
SPARK_MARTS = ("fct_contract_mrr_monthly", "fct_contract_mrr_movements", "fct_customer_mrr_monthly",
               "fct_customer_mrr_movements", "fct_mrr_bridge", "fct_revenue_retention",
               "fct_customer_health_daily")


# -- the PostgreSQL build --------------------------------------------------------------------------

@dataclass(frozen=True)
class EngineBuild:
    name: str
    manifest: dict[str, Any]
    outcome: dbt_ops.Outcome
    seconds: float


@pytest.fixture(scope="module")
def pg_build(pg_server: PgServer, staged_faulty: StagedBook, project_dir: Path,
             tmp_path_factory: pytest.TempPathFactory) -> EngineBuild:
    root = tmp_path_factory.mktemp("pg_build")
    env = pg_server.env()
    started = time.monotonic()
    loader_postgres.load_book(staged_faulty.book, connection=env)
    settings = dbt_ops.DbtSettings(project_dir=project_dir, db_path=root / "unused.duckdb",
                                   target_path=root / "target", log_path=root / "logs")
    args = ["build", "--target", "postgres", "--threads", "2",
            "--vars", json.dumps({"as_of_date": END_DATE.isoformat()})]
    with environment(env):
        outcome = dbt_ops.run(settings, args)
    seconds = time.monotonic() - started
    manifest = json.loads((root / "target" / "manifest.json").read_text())
    return EngineBuild("postgres", manifest, outcome, seconds)


def pg_rows(server: PgServer, relation: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with server.connect() as con, con.cursor() as cur:
        cur.execute(f"select * from {relation}")
        return [d[0] for d in cur.description], cur.fetchall()


def duckdb_rows(staged: StagedBook, relation: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    import duckdb

    with duckdb.connect(str(staged.db), read_only=True) as con:
        cursor = con.execute(f"select * from {relation}")
        return [d[0] for d in cursor.description], cursor.fetchall()


# -- what to compare, and how ----------------------------------------------------------------------

def mart_models(manifest: Mapping[str, Any]) -> list[str]:
    """Every enabled model under models/marts (schema marts), by name."""
    return sorted(node["name"] for node in manifest["nodes"].values()
                  if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
                  and node["config"].get("enabled", True) and node["config"].get("materialized") != "ephemeral")


def grain(manifest: Mapping[str, Any], model: str) -> list[str] | None:
    """The model's grain from its tests: unique_combination_of_columns, else a unique column."""
    unique_columns = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("attached_node", "").endswith(f".{model}"):
            continue
        meta = node.get("test_metadata") or {}
        kwargs = meta.get("kwargs") or {}
        if meta.get("name") == "unique_combination_of_columns":
            return list(kwargs["combination_of_columns"])
        if meta.get("name") == "unique" and kwargs.get("column_name"):
            unique_columns.append(kwargs["column_name"])
    return unique_columns[:1] or None


def key_value(value: Any) -> Any:
    """A value usable in a sort/match key across engines (None sorts first)."""
    if isinstance(value, Decimal):
        return (1, float(round(value, 2)))
    if isinstance(value, float):
        return (1, round(value, 6))
    if isinstance(value, datetime):
        return (1, value.replace(tzinfo=None).isoformat())
    if isinstance(value, date):
        return (1, value.isoformat())
    return (0, "") if value is None else (1, value)


def same(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, Decimal) or isinstance(right, Decimal):
        if isinstance(left, float) or isinstance(right, float):
            return abs(float(left) - float(right)) <= RATE_TOLERANCE
        return abs(Decimal(left) - Decimal(right)) <= AMOUNT_TOLERANCE
    if isinstance(left, float) or isinstance(right, float):
        return abs(float(left) - float(right)) <= RATE_TOLERANCE
    if isinstance(left, datetime) and isinstance(right, datetime):
        return left.replace(tzinfo=None) == right.replace(tzinfo=None)
    return bool(left == right)


# Refresh bookkeeping of the incremental health models (loyalty.audit.BOOKKEEPING_COLUMNS): when
# a row was written, and a hash each engine computes with its own hash function. Not data.
BOOKKEEPING_COLUMNS = frozenset(audit.BOOKKEEPING_COLUMNS)


def without_bookkeeping(table: tuple[list[str], list[tuple[Any, ...]]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    columns, rows = table
    keep = [i for i, c in enumerate(columns) if c.lower() not in BOOKKEEPING_COLUMNS]
    return [columns[i] for i in keep], [tuple(row[i] for i in keep) for row in rows]


def compare(relation: str, keys: list[str] | None, expected: tuple[list[str], list[tuple[Any, ...]]],
            actual: tuple[list[str], list[tuple[Any, ...]]], engine: str) -> list[str]:
    """Differences between DuckDB's rows (expected) and the engine's, as readable lines (the
    bookkeeping columns left out)."""
    (exp_cols, exp_rows), (act_cols, act_rows) = without_bookkeeping(expected), without_bookkeeping(actual)
    problems: list[str] = []
    if [c.lower() for c in exp_cols] != [c.lower() for c in act_cols]:
        return [f"{relation}: columns differ: duckdb {exp_cols} vs {engine} {act_cols}"]
    if len(exp_rows) != len(act_rows):
        problems.append(f"{relation}: {len(exp_rows)} rows on duckdb, {len(act_rows)} on {engine}")
    key_idx = [exp_cols.index(k) for k in keys] if keys else list(range(len(exp_cols)))

    def keyed(rows: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        return {tuple(key_value(row[i]) for i in key_idx): row for row in rows}

    exp_by_key, act_by_key = keyed(exp_rows), keyed(act_rows)
    for key in sorted(set(exp_by_key) ^ set(act_by_key))[:5]:
        side = "duckdb only" if key in exp_by_key else f"{engine} only"
        problems.append(f"{relation}: row {key} {side}")
    for key in sorted(set(exp_by_key) & set(act_by_key)):
        for column, left, right in zip(exp_cols, exp_by_key[key], act_by_key[key]):
            if not same(left, right):
                problems.append(f"{relation} {dict(zip(keys or exp_cols, key))}: {column} duckdb={left!r} "
                                f"{engine}={right!r}")
    return problems


# -- PostgreSQL ------------------------------------------------------------------------------------

def test_postgres_loader_nulls_and_all_or_nothing(pg_server: PgServer, tmp_path: Path) -> None:
    """Empty fields (quoted or not) land as null text; a file that cannot be read leaves every
    raw table as it was (one transaction), and the error names the file and line."""
    from conftest import write_tiny_book

    from loyalty.contract import TABLES
    from loyalty.loader import LoadError

    env = pg_server.create_database("loader_check")
    book = write_tiny_book(tmp_path / "book")
    assert next(t for t in TABLES if t.qualified == "stripe.coupon").columns[1] == "percent_off"
    path = book / "stripe" / "coupon.csv"
    path.write_text(path.read_text().replace("coupon_2,percent_off_2,", 'coupon_2,"",'), encoding="utf-8")
    counts = loader_postgres.load_book(book, connection=env)
    assert counts["stripe.coupon"] == 2 and counts["salesforce.account"] == 2
    import psycopg2

    with psycopg2.connect(**loader_postgres.connection_params(env)) as con, con.cursor() as cur:
        cur.execute('select id, percent_off, pg_typeof(percent_off)::text from stripe.coupon order by id')
        assert cur.fetchall() == [("coupon_1", "percent_off_1", "text"), ("coupon_2", None, "text")]

    path.write_text(path.read_text() + "coupon_3,too,few\n", encoding="utf-8")  # 3 of 7 fields
    with pytest.raises(LoadError, match=r"coupon\.csv: line 4"):
        loader_postgres.load_book(book, connection=env)
    with psycopg2.connect(**loader_postgres.connection_params(env)) as con, con.cursor() as cur:
        cur.execute("select (select count(*) from stripe.coupon), (select count(*) from salesforce.account)")
        assert cur.fetchone() == (2, 2)


def test_postgres_build_passes(pg_build: EngineBuild) -> None:
    errors = [f"{n.unique_id}: {n.message}" for n in pg_build.outcome.nodes if n.bucket == "error"]
    assert pg_build.outcome.success and not errors, (
        f"dbt build --target postgres failed ({pg_build.seconds:.0f} s):\n" + "\n".join(
            pg_build.outcome.exceptions + errors))


def test_postgres_marts_equal_duckdb(pg_build: EngineBuild, pg_server: PgServer, staged_faulty: StagedBook,
                                     record_property: pytest.RecordProperty) -> None:
    record_property("postgres_load_and_build_seconds", round(pg_build.seconds, 1))
    built = {n.unique_id.split(".")[-1] for n in pg_build.outcome.nodes if n.bucket == "pass"}
    marts = [m for m in mart_models(pg_build.manifest) if m in built]
    assert "fct_mrr_bridge" in marts, f"the revenue marts were not built on postgres: {sorted(built)[:20]}"
    record_property("marts_compared", ", ".join(marts))
    problems: list[str] = []
    for relation in [f"marts.{m}" for m in marts] + list(EXTRA_RELATIONS):
        model = relation.split(".")[1]
        problems += compare(relation, grain(pg_build.manifest, model), duckdb_rows(staged_faulty, relation),
                            pg_rows(pg_server, relation), "postgres")
    assert not problems, f"{len(problems)} difference(s) between DuckDB and PostgreSQL:\n" + "\n".join(problems[:40])


# -- Spark -----------------------------------------------------------------------------------------

NETWORK_ERRORS = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                  "Max retries exceeded", "ConnectTimeout", "ProxyError", "Name or service not known")
GATEWAY_ERRORS = ("JAVA_GATEWAY_EXITED", "Java gateway process exited")


def spark_skip_reason() -> str | None:
    """Why the Spark comparison cannot run here, decided before any fixture is built."""
    if os.environ.get("LOYALTY_TEST_SPARK", "1") == "0":
        return "Spark comparison turned off (LOYALTY_TEST_SPARK=0)"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").exists()) and shutil.which("java") is None:
        return "Spark cannot start here: no Java (JAVA_HOME or java on PATH; Spark 4 needs Java 17+)"
    return None


def spark_python(project_dir: Path) -> Path:
    """.venv-spark's python, (re)built by scripts/spark_env.sh (idempotent: a no-op when the
    pins are installed). Skips when the environment cannot be installed for lack of network."""
    done = subprocess.run(["bash", str(project_dir / "scripts" / "spark_env.sh")], capture_output=True, text=True)
    output = done.stdout + done.stderr
    if done.returncode != 0 and any(marker in output for marker in NETWORK_ERRORS):
        pytest.skip(f"Spark environment cannot be installed (no network to PyPI?):\n{output[-1500:]}")
    assert done.returncode == 0, f"scripts/spark_env.sh failed:\n{output[-4000:]}"
    return project_dir / ".venv-spark" / "bin" / "python"


def read_dump(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    def value(v: Any) -> Any:
        if isinstance(v, dict):
            kind, text = next(iter(v.items()))
            return {"decimal": Decimal, "timestamp": datetime.fromisoformat, "date": date.fromisoformat}[kind](text)
        return v

    header, *rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    columns = list(header["columns"])
    return columns, [tuple(value(r[c]) for c in columns) for r in rows]


@pytest.mark.skipif(spark_skip_reason() is not None, reason=spark_skip_reason() or "")
def test_spark_revenue_and_health_marts_equal_duckdb(staged_faulty: StagedBook, project_dir: Path,
                                                     tmp_path_factory: pytest.TempPathFactory,
                                                     record_property: pytest.RecordProperty) -> None:
    python = spark_python(project_dir)
    built_on_duckdb = {n.unique_id.split(".")[-1] for n in staged_faulty.outcome.nodes if n.bucket == "pass"}
    marts = [m for m in SPARK_MARTS if m in built_on_duckdb]
    work = tmp_path_factory.mktemp("spark")
    command = [str(python), "-m", "loyalty.spark_run", "--book", str(staged_faulty.book), "--work", str(work),
               "--project-dir", str(project_dir), "--as-of", END_DATE.isoformat(),
               "--select", *[f"+{m}" for m in marts], "--dump", *[f"marts.{m}" for m in marts]]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    seconds = time.monotonic() - started
    record_property("spark_load_and_build_seconds", round(seconds, 1))
    if done.returncode != 0 and any(marker in done.stdout + done.stderr for marker in GATEWAY_ERRORS):
        pytest.skip(f"Spark cannot start here (the JVM gateway did not come up):\n{done.stderr[-1500:]}")
    if (work / "timings.json").exists():
        for name, value in json.loads((work / "timings.json").read_text()).items():
            record_property(name if name.startswith("spark_") else f"spark_{name}", round(value, 1))
    assert done.returncode == 0, f"spark run failed ({seconds:.0f} s, logs in {work / 'logs'}):\n{done.stdout[-4000:]}"
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    problems: list[str] = []
    for model in marts:
        relation = f"marts.{model}"
        problems += compare(relation, grain(manifest, model), duckdb_rows(staged_faulty, relation),
                            read_dump(work / "dump" / f"{relation}.jsonl"), "spark")
    assert not problems, f"{len(problems)} difference(s) between DuckDB and Spark:\n" + "\n".join(problems[:40])
