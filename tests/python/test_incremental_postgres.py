"""Incremental refresh equals a full refresh on PostgreSQL too (the DuckDB version is
test_incremental.py; docs/architecture.md "Incremental refresh").

The incremental models run different SQL per engine (delete+insert through dbt-postgres, the
arrival floor read with run_query, the usage model's post-hook that deletes rows off the
grid), so the DuckDB test does not cover this path. A small faulty book is generated through
day D+1 and loaded into a throw-away PostgreSQL 15 (tests/python/pg_server.py); the raw events
that arrived on D+1 are held back, as a connector would not have sent them yet. Build as of D;
then the held-back events land (the new day plus whatever late events the generator sent that
day) and Stripe history is restated in place for two customers (one first paid day moves
later, one earlier), and case, survey, invoice, meeting and contact history is edited in place
(incremental_scenario.edit_history). The database is copied (CREATE DATABASE ... TEMPLATE); the original is
refreshed incrementally as of D+1, the copy rebuilt with --full-refresh, and every marts table
plus the three incremental models must hold the same rows in both (run stamps excluded).

Cost (2 cores): three model-and-seed builds of a 25-customer book on PostgreSQL, about 2 min;
the project's tests run on PostgreSQL in test_engine_equality.py.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import incremental_scenario as scenario
from conftest import environment

from loyalty import dbt_ops, loader_postgres

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_server import PgServer  # noqa: E402

pytestmark = pytest.mark.slow

AS_OF = date(2026, 6, 30)  # day D
NEXT_DAY = AS_OF + timedelta(days=1)
BOOK = {"seed": 23, "customers": 25, "months": 7, "end_date": NEXT_DAY}


def execute(env: dict[str, str], sql: str, autocommit: bool = False) -> list[tuple[Any, ...]]:
    import psycopg2

    con = psycopg2.connect(**loader_postgres.connection_params(env))
    try:
        con.autocommit = autocommit
        with con.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall() if cur.description else []
        if not autocommit:
            con.commit()
        return rows
    finally:
        con.close()


def dbt_build(env: dict[str, str], root: Path, project_dir: Path, as_of: date, full_refresh: bool = False) -> None:
    settings = dbt_ops.DbtSettings(project_dir=project_dir, db_path=root / "unused.duckdb",
                                   target_path=root / "target", log_path=root / "logs")
    args = ["build", "--target", "postgres", "--threads", "2",
            "--exclude", "resource_type:test", "resource_type:unit_test",
            "--vars", json.dumps({"as_of_date": as_of.isoformat()})]
    if full_refresh:
        args.append("--full-refresh")
    with environment(env):
        outcome = dbt_ops.run(settings, args)
    if not outcome.success:
        errors = [f"{n.unique_id}: {n.message}" for n in outcome.nodes if n.bucket == "error"]
        pytest.fail(f"dbt {' '.join(args)} failed on {env['DBT_PG_DATABASE']} (log: {root / 'logs'}):\n"
                    + "\n".join(outcome.exceptions + errors), pytrace=False)


def hold_back_next_day(env: dict[str, str]) -> int:
    """Move raw events received on or after D+1 aside (raw received_at is text; plain UTC text
    compares in time order, and a garbage value is held back or not the same way every time)."""
    execute(env, f"""
        create table segment.tracks_next_day as
        select * from segment.tracks where received_at >= '{NEXT_DAY.isoformat()}';
        delete from segment.tracks where received_at >= '{NEXT_DAY.isoformat()}';
    """)
    return int(execute(env, "select count(*) from segment.tracks_next_day")[0][0])


def land_next_day(env: dict[str, str]) -> None:
    execute(env, "insert into segment.tracks select * from segment.tracks_next_day; drop table segment.tracks_next_day;")


def restate_billing(env: dict[str, str]) -> dict[str, str]:
    """The DuckDB test's two restatements (tests/python/incremental_scenario.py, SQL both engines read)."""
    return scenario.restate_billing(sql_on(env), AS_OF)


def grid_start(env: dict[str, str], customer_id: str) -> date:
    return execute(env, "select min(date_day) from intermediate.int_health_customer_days "
                        f"where customer_id = '{customer_id}'")[0][0]


def copy_database(server: PgServer, source: str, name: str) -> dict[str, str]:
    """CREATE DATABASE ... TEMPLATE needs the source to have no sessions: end any left over."""
    admin = server.env()
    execute(admin, f"select pg_terminate_backend(pid) from pg_stat_activity "
                   f"where datname = '{source}' and pid <> pg_backend_pid()", autocommit=True)
    execute(admin, f'create database "{name}" template "{source}"', autocommit=True)
    return {**admin, "DBT_PG_DATABASE": name}


def sql_on(env: dict[str, str]) -> scenario.Execute:
    """Run one statement on the database of `env` and return its rows."""
    return lambda sql: execute(env, sql)


def test_postgres_incremental_refresh_equals_full_refresh(pg_server: PgServer, tmp_path: Path,
                                                         project_dir: Path) -> None:
    from loyalty.generator import BookConfig, generate_book

    book = tmp_path / "book"
    generate_book(BookConfig(out_dir=book, faults=True, **BOOK))
    incremental = pg_server.create_database("incremental")
    loader_postgres.load_book(book, connection=incremental)
    held = hold_back_next_day(incremental)
    assert held > 0, "the book has no events received on the next day"

    dbt_build(incremental, tmp_path / "inc", project_dir, AS_OF)
    days_before = dict(execute(incremental, "select date_day, sum(event_count) "
                                            "from intermediate.int_product_events_daily group by 1"))
    land_next_day(incremental)
    restated = restate_billing(incremental)
    edited = scenario.edit_history(sql_on(incremental), AS_OF)
    components_before = {c: scenario.component_rows(sql_on(incremental), c, customer)
                          for c, customer in edited.items()}
    starts_before = {side: grid_start(incremental, customer) for side, customer in restated.items()}
    full = copy_database(pg_server, "incremental", "full_refresh")

    dbt_build(incremental, tmp_path / "inc", project_dir, NEXT_DAY)
    dbt_build(full, tmp_path / "full", project_dir, NEXT_DAY, full_refresh=True)

    # The run did something: the new day's events are in, and both restatements moved a grid.
    days_after = dict(execute(incremental, "select date_day, sum(event_count) "
                                           "from intermediate.int_product_events_daily group by 1"))
    assert days_after.get(NEXT_DAY, 0) > 0 and NEXT_DAY not in days_before
    assert grid_start(incremental, restated["later"]) > starts_before["later"]
    assert grid_start(incremental, restated["earlier"]) < starts_before["earlier"]
    for component, customer in edited.items():
        old_days = {day: score for day, score in scenario.component_rows(sql_on(incremental), component, customer)
                    if day <= AS_OF}
        assert old_days != dict(components_before[component]), f"editing {component} history changed nothing"

    relations = scenario.compared_relations(sql_on(full))
    differing = scenario.differences(relations, sql_on(incremental), sql_on(full))
    assert not differing, "incremental != full refresh on PostgreSQL:\n" + "\n".join(differing)
