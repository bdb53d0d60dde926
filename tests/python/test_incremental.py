"""Incremental refresh equals a full refresh (base_segment__tracks, int_product_events_daily,
docs/architecture.md "Incremental refresh").

One small generated book is loaded and built as of day D. Then one more day of product events
lands in the raw `segment.tracks` table (appended with SQL, the way a connector appends):
the events of day D+1, late events received on D+1 but stamped weeks earlier (well outside
the lookback window of days), an at-least-once redelivery of an existing event (same id and
payload) and a redelivery whose timestamp moved to the previous day (dedup: the latest
received_at wins, so the old day loses the event). Stripe history is also restated in place for
two customers, moving one first paid day later and one earlier. The warehouse file is copied; the original
is refreshed incrementally as of D+1, the copy is rebuilt with --full-refresh as of D+1, and
every table of the marts schema (plus the incremental models) must hold exactly the same rows
in both. History the health components read without run stamps is edited in place too (a case
escalated, an NPS answer changed, a paid invoice reopened, a meeting logged on an old day, a
contact made a sponsor): the incremental health models find those customers by their checksums.

Cost (2 cores): the three builds run models and seeds only (the project's data and unit
tests run in the other end-to-end tests); the incremental model's own tests run once, on the
incremental result. Each warehouse has its own target and log folders.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import incremental_scenario as scenario
from conftest import query

from loyalty import dbt_ops
from loyalty.loader import load_book

pytestmark = pytest.mark.slow

AS_OF = date(2026, 6, 30)  # day D: the book's last day and the first build's as_of_date
NEXT_DAY = AS_OF + timedelta(days=1)
BOOK = {"seed": 23, "customers": 25, "months": 7, "end_date": AS_OF}
LATE_SOURCE_DAY = AS_OF - timedelta(days=2)  # late events are copies of this day's events ...
LATE_DAYS_BACK = 38  # ... re-stamped this many days earlier, received on D+1
LATE_EVENTS = 20
LATE_DAY = LATE_SOURCE_DAY - timedelta(days=LATE_DAYS_BACK)
LATE_WINDOW = (LATE_DAY, LATE_DAY + timedelta(days=29))  # the 30-day usage windows the late events reach


@dataclass(frozen=True)
class Warehouse:
    db: Path
    settings: dbt_ops.DbtSettings


def warehouse(root: Path, project_dir: Path, db: Path) -> Warehouse:
    return Warehouse(db, dbt_ops.DbtSettings(project_dir=project_dir, db_path=db,
                                             target_path=root / "target", log_path=root / "logs"))


def check(wh: Warehouse, outcome: dbt_ops.Outcome) -> dbt_ops.Outcome:
    if not outcome.success:
        errors = [f"{n.unique_id}: {n.message}" for n in outcome.nodes if n.bucket == "error"]
        pytest.fail(f"dbt {' + '.join(outcome.commands)} failed on {wh.db} (log: {wh.settings.log_path}):\n"
                    + "\n".join(outcome.exceptions + errors), pytrace=False)
    return outcome


def build(wh: Warehouse, as_of: date, full_refresh: bool = False) -> dbt_ops.Outcome:
    """`dbt build` of every model and seed; the project's tests run in the other end-to-end tests
    (this one runs the incremental model's own tests after the incremental run)."""
    options = dbt_ops.BuildOptions(as_of=as_of, full_refresh=full_refresh, threads=2,
                                   exclude=("resource_type:test", "resource_type:unit_test"))
    return check(wh, dbt_ops.build(wh.settings, options))


def run_model_tests(wh: Warehouse, as_of: date, model: str) -> dbt_ops.Outcome:
    args = ["test", "--select", model, "--threads", "2", "--vars", json.dumps({"as_of_date": as_of.isoformat()})]
    return check(wh, dbt_ops.run(wh.settings, args))


# Raw segment.tracks is all text (the loader lands CSV as varchar); new rows are written in
# the generator's format, UTC without offset. Source rows come from the typed staging view.
_TS = "strftime({expr}, '%Y-%m-%d %H:%M:%S')"


def _copy_sql(id_expr: str, shift: str, received: str, where: str, limit: int | None = None) -> str:
    shifted = {c: _TS.format(expr=f"{c} + {shift}") for c in ("event_at", "original_at", "sent_at")}
    return f"""
        insert into segment.tracks
            (id, user_id, anonymous_id, event, event_text, timestamp, original_timestamp, sent_at,
             received_at, context_ip)
        select {id_expr}, user_id, anonymous_id, event_name, event_text, {shifted['event_at']},
               {shifted['original_at']}, {shifted['sent_at']}, {received}, context_ip
        from staging.stg_segment__tracks
        where {where}
        order by event_id
        {f'limit {limit}' if limit else ''}
    """


def append_next_day(db: Path) -> dict[str, object]:
    """Land day D+1 in raw segment.tracks, with late events and redeliveries. Returns what was sent."""
    received_late = f"'{NEXT_DAY.isoformat()} 10:00:00'"
    with duckdb.connect(str(db)) as con:
        con.execute("set TimeZone = 'UTC'")
        mapped = ("user_id in (select user_id from intermediate.int_segment_users_mapped "
                  "where customer_id is not null)")
        # redelivered events: one identical copy, one whose client re-sent it stamped a day earlier
        redelivered = con.execute(f"""
            select event_id, cast(event_at as date)
            from staging.stg_segment__tracks
            where {mapped} and cast(event_at as date) between ? and ?
            order by event_id limit 2
        """, [AS_OF - timedelta(days=30), AS_OF - timedelta(days=20)]).fetchall()
        assert len(redelivered) == 2, "the book has no events to redeliver"
        (same_id, _), (moved_id, moved_from) = redelivered
        # 1. the day itself: copies of day D's events shifted by one day, new ids
        con.execute(_copy_sql("'nd_' || event_id", "interval '1 day'", _TS.format(expr="received_at + interval '1 day'"),
                              f"cast(event_at as date) = date '{AS_OF.isoformat()}'"))
        # 2. late events: received on D+1, stamped LATE_DAYS_BACK days before their source day
        con.execute(_copy_sql("'late_' || event_id", f"interval '{-LATE_DAYS_BACK} days'", received_late,
                              f"{mapped} and cast(event_at as date) = date '{LATE_SOURCE_DAY.isoformat()}'",
                              LATE_EVENTS))
        # 3. an at-least-once redelivery (same id, same payload) and 4. a re-stamped one
        con.execute(_copy_sql("event_id", "interval '0 days'", received_late, f"event_id = '{same_id}'"))
        con.execute(_copy_sql("event_id", "interval '-1 days'", received_late, f"event_id = '{moved_id}'"))
        late_sent = con.execute(
            "select count(*) from segment.tracks where id like 'late\\_%' escape '\\'").fetchone()[0]
    return {"late_sent": late_sent, "moved_from": moved_from}


def restate_billing(db: Path) -> dict[str, str]:
    """Two Stripe restatements in place (tests/python/incremental_scenario.py): one customer's first paid
    day moves RESTATE_DAYS later, another's RESTATE_DAYS earlier."""
    with duckdb.connect(str(db)) as con:
        con.execute("set TimeZone = 'UTC'")
        return scenario.restate_billing(lambda sql: con.execute(sql).fetchall(), AS_OF)


def edit_history(db: Path) -> dict[str, str]:
    """Case, survey, invoice, meeting and contact history edited in place
    (tests/python/incremental_scenario.py)."""
    with duckdb.connect(str(db)) as con:
        con.execute("set TimeZone = 'UTC'")
        return scenario.edit_history(lambda sql: con.execute(sql).fetchall(), AS_OF)


def grid_start(db: Path, customer_id: str) -> date:
    rows = query(db, "select min(date_day) from intermediate.int_health_customer_days where customer_id = ?",
                 [customer_id])
    return rows[0][0]  # type: ignore[return-value]


def day_event_totals(db: Path) -> dict[date, int]:
    rows = query(db, "select date_day, sum(event_count) from intermediate.int_product_events_daily group by 1")
    return {day: int(total) for day, total in rows}  # type: ignore[misc]


def usage_user_days(db: Path, window: tuple[date, date]) -> int:
    """Active user-days in the trailing 30 days, summed over the customers and days of `window`."""
    rows = query(db, "select coalesce(sum(active_user_days_30d), 0) from intermediate.int_health_usage_daily "
                     "where date_day between ? and ?", list(window))
    return int(rows[0][0])  # type: ignore[call-overload]


def health_rows(db: Path, window: tuple[date, date]) -> list[tuple[object, ...]]:
    return query(db, "select * from marts.fct_customer_health_daily where date_day between ? and ? order by all",
                 list(window))


def sql_on(db: Path) -> scenario.Execute:
    """Run one statement on the warehouse file `db` (read-only) and return its rows."""
    return lambda sql: query(db, sql)


def test_incremental_refresh_equals_full_refresh(tmp_path: Path, project_dir: Path) -> None:
    from loyalty.generator import BookConfig, generate_book

    book = tmp_path / "book"
    generate_book(BookConfig(out_dir=book, faults=True, **BOOK))  # faults: duplicates, bad clocks
    incremental = warehouse(tmp_path / "incremental", project_dir, tmp_path / "incremental.duckdb")
    load_book(book, incremental.db)
    build(incremental, AS_OF)
    before = day_event_totals(incremental.db)
    assert max(before) == AS_OF
    usage_before = usage_user_days(incremental.db, LATE_WINDOW)
    health_before = health_rows(incremental.db, LATE_WINDOW)

    sent = append_next_day(incremental.db)
    assert sent["late_sent"] == LATE_EVENTS
    restated = restate_billing(incremental.db)
    edited = edit_history(incremental.db)
    components_before = {c: scenario.component_rows(sql_on(incremental.db), c, customer)
                         for c, customer in edited.items()}
    starts_before = {side: grid_start(incremental.db, customer) for side, customer in restated.items()}
    full = warehouse(tmp_path / "full", project_dir, tmp_path / "full.duckdb")
    shutil.copyfile(incremental.db, full.db)  # same raw data, same incremental state

    build(incremental, NEXT_DAY)
    tested = run_model_tests(incremental, NEXT_DAY, "int_product_events_daily")  # unique keys, not after as_of, ...
    assert tested.tally["pass"] >= 10, tested.tally
    tested = run_model_tests(incremental, NEXT_DAY, "base_segment__tracks")  # incl. its incremental unit test
    assert tested.tally["pass"] >= 4, tested.tally
    build(full, NEXT_DAY, full_refresh=True)

    # The new day landed, the late events landed on their old day (far outside the lookback of
    # days: the window is on arrival), and the re-stamped redelivery left its old day.
    after = day_event_totals(incremental.db)
    assert after.get(NEXT_DAY, 0) > 0
    assert after[LATE_DAY] - before.get(LATE_DAY, 0) == LATE_EVENTS  # type: ignore[index]
    moved_from = sent["moved_from"]
    assert after.get(moved_from, 0) == before[moved_from] - 1  # type: ignore[index]
    assert after[AS_OF - timedelta(days=10)] == before[AS_OF - timedelta(days=10)]  # untouched day

    # The restatements moved two first paid days: one grid now starts later (rows before it must
    # go), the other earlier (days never computed before).
    assert grid_start(incremental.db, restated["later"]) > starts_before["later"]
    assert grid_start(incremental.db, restated["earlier"]) < starts_before["earlier"]

    # The late events change what usage and health say about those earlier days (days no other
    # change of this run touches), so the comparison below can fail.
    assert usage_user_days(incremental.db, LATE_WINDOW) > usage_before
    assert health_rows(incremental.db, LATE_WINDOW) != health_before
    # So do the history edits: each changed its component's old days (rows that were not new).
    for component, customer in edited.items():
        after_rows = scenario.component_rows(sql_on(incremental.db), component, customer)
        old_days = {day: score for day, score in after_rows if day <= AS_OF}
        assert old_days != dict(components_before[component]), f"editing {component} history changed nothing"

    relations = scenario.compared_relations(sql_on(full.db))
    differing = scenario.differences(relations, sql_on(incremental.db), sql_on(full.db))
    assert not differing, "incremental != full refresh:\n" + "\n".join(differing)
