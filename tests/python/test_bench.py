"""The benchmark harness (loyalty.bench): its floor query on a hand-worked stripe book, and one
tiny end-to-end run whose JSON must carry every field and whose floor MRR must equal dbt's.
No timing is asserted: the numbers depend on the machine."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from loyalty import bench

AS_OF = date(2026, 3, 15)


# -- the floor on a hand-worked book (no dbt) --------------------------------------------------------

def _stripe_db(path: Path) -> Path:
    """Raw text tables as the loader lands them, plus the FX seed, for four contracts."""
    with duckdb.connect(str(path)) as con:
        for schema in ("stripe", "reference"):
            con.execute(f"create schema {schema}")
        con.execute("create table reference.fx_rates_daily as select * from (values "
                    "(date '2025-01-01', 'EUR', 1.10), (date '2026-01-10', 'EUR', 1.20), "
                    "(date '2025-06-01', 'JPY', 0.007)) as t(rate_date, currency_code, rate_to_usd)")
        con.execute("create table stripe.price as select * from (values "
                    "('p_usd_m', 'usd', '10000', 'month', '1'),"   # 100.00 USD / month
                    "('p_eur_y', 'eur', '120000', 'year', '1'),"   # 1200.00 EUR / year
                    "('p_jpy_m', 'jpy', '30000', 'month', '3'),"   # 30000 JPY / 3 months (zero-decimal)
                    "('p_once', 'usd', '5000', null, null)"        # one-time: not MRR
                    ") as t(id, currency, unit_amount, recurring_interval, recurring_interval_count)")
        open_end = "9999-12-31 23:59:59"
        con.execute(f"""create table stripe.subscription_history as select * from (values
            ('s1', 'active', '2026-01-05 00:00:00', '{open_end}'),
            ('s2', 'active', '2026-01-20 00:00:00', '2026-02-10 00:00:00'),
            ('s2', 'canceled', '2026-02-10 00:00:00', '{open_end}'),
            ('s3', 'past_due', '2026-01-01 00:00:00+02:00', '{open_end}'),
            ('s4', 'trialing', '2026-01-01 00:00:00', '{open_end}')
            ) as t(id, status, _fivetran_start, _fivetran_end)""")
        con.execute(f"""create table stripe.subscription_item_history as select * from (values
            ('i1', 's1', 'p_usd_m', '2', '2026-01-05 00:00:00', '2026-02-15 00:00:00'),
            ('i1', 's1', 'p_usd_m', '3', '2026-02-15 00:00:00', '{open_end}'),
            ('i1b', 's1', 'p_once', '1', '2026-01-05 00:00:00', '{open_end}'),
            ('i2', 's2', 'p_eur_y', null, '2026-01-20 00:00:00', '{open_end}'),
            ('i3', 's3', 'p_jpy_m', '1', '2026-01-01 00:00:00+02:00', '{open_end}'),
            ('i4', 's4', 'p_usd_m', '1', '2026-01-01 00:00:00', '{open_end}')
            ) as t(id, subscription_id, price_id, quantity, _fivetran_start, _fivetran_end)""")
        con.execute("""create table stripe.coupon as select * from (values
            ('c_forever', '10', null, null, 'forever'),
            ('c_once', '50', null, null, 'once'),
            ('c_amount', null, '1200', 'usd', 'repeating')
            ) as t(id, percent_off, amount_off, currency, duration)""")
        con.execute("""create table stripe.subscription_discount as select * from (values
            ('d1', 's1', 'c_forever', '2026-01-05 00:00:00', null),
            ('d2', 's1', 'c_once', '2026-02-20 00:00:00', null),
            ('d3', 's2', 'c_amount', '2026-01-20 00:00:00', '2026-02-01 00:00:00'),
            ('d4', null, 'c_forever', '2026-01-01 00:00:00', null)
            ) as t(id, subscription_id, coupon_id, start, "end")""")
    return path


def test_floor_applies_the_metric_rules(tmp_path: Path) -> None:
    db = _stripe_db(tmp_path / "floor.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        rows = con.execute(f"select subscription_id, month, round(mrr, 6) from ({bench.floor_sql(AS_OF)}) "
                           "order by 1, 2").fetchall()
    got = {(s, m.isoformat()): Decimal(str(v)) for s, m, v in rows}
    # s1: 2 x 100 USD, forever 10 % -> 180 (Jan); 3 x 100 from Feb 15, the once coupon never counts -> 270.
    # s2: 1200 EUR/yr at the 2026-01-10 rate 1.20 (latest on or before 01-20) = 120 USD/month; the
    #     12 USD repeating coupon ends 2026-02-01 00:00 = T of January, so it is still in force
    #     (start < T <= end), per yearly period: 12 / 12 = 1 -> 119; canceled from February.
    # s3: 30000 JPY / 3 months at the 2025-12-31 (UTC) rate 0.007 = 70 USD; past_due counts.
    #     Its version starts 2025-12-31 22:00 UTC, so December 2025 already holds it.
    # s4: trialing counts 0.
    assert got == {
        ("s1", "2026-01-01"): Decimal("180"), ("s1", "2026-02-01"): Decimal("270"),
        ("s1", "2026-03-01"): Decimal("270"),
        ("s2", "2026-01-01"): Decimal("119"), ("s2", "2026-02-01"): Decimal("0"),
        ("s2", "2026-03-01"): Decimal("0"),
        ("s3", "2025-12-01"): Decimal("70"), ("s3", "2026-01-01"): Decimal("70"),
        ("s3", "2026-02-01"): Decimal("70"), ("s3", "2026-03-01"): Decimal("70"),
        ("s4", "2026-01-01"): Decimal("0"), ("s4", "2026-02-01"): Decimal("0"),
        ("s4", "2026-03-01"): Decimal("0"),
    }


def test_next_day_book_keeps_the_first_month() -> None:
    assert bench.next_day_book(date(2026, 3, 15), 36) == (date(2026, 3, 16), 36)
    assert bench.next_day_book(date(2026, 3, 31), 36) == (date(2026, 4, 1), 37)


# -- one tiny run end to end -------------------------------------------------------------------------

@pytest.mark.slow
def test_bench_tiny_run_reports_every_field(tmp_path: Path) -> None:
    out = tmp_path / "results"
    code = bench.main(["--customers", "15", "--months", "6", "--threads", "1", "--floor-runs", "1",
                       "--steps", "generate", "load", "build", "gates", "floor", "incremental",
                       # the revenue spine and its parents only: what the floor is compared with
                       "--dbt-select", "+fct_contract_mrr_monthly",
                       "--work-dir", str(tmp_path / "work"), "--out-dir", str(out)])
    reports = sorted(out.glob("*-15cx6m.json"))
    assert len(reports) == 1, list(out.iterdir())
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    build = report["steps"]["build"]["result"]
    assert build["success"], build
    assert code == 0

    assert set(report) >= {"scale", "machine", "steps", "dbt", "floor", "targets", "started_at"}
    assert report["scale"]["customers"] == 15 and report["scale"]["months"] == 6
    assert report["scale"]["events"] > 0
    for key in ("cores", "memory_gb", "cpu_model", "python", "dbt-core", "dbt-duckdb", "duckdb"):
        assert report["machine"][key], key
    for name in ("generate", "load", "build", "floor"):
        step = report["steps"][name]
        assert step["exit_code"] == 0, (name, step)
        assert step["wall_s"] > 0 and step["peak_rss_mb"] > 0, (name, step)
    assert report["steps"]["gates"]["result"]["status"] in ("n/a", "pass", "fail")
    # the next day's events were held back at load and appended before the incremental build
    held_back = report["steps"]["load"]["result"]["held_back_events"]
    assert held_back > 0 and report["steps"]["load_next_day"]["result"]["events"] == held_back
    assert report["steps"]["build_incremental"]["result"]["success"], report["steps"]["build_incremental"]
    # the full build parses the project; the next day's build reuses that parse, as a daily refresh does
    assert (build["parse"], report["steps"]["build_incremental"]["result"]["parse"]) == ("full", "partial")
    assert report["targets"]["incremental_share_of_full"] > 0
    timings = report["dbt"]["build"]
    assert timings["top_models"] and len(timings["top_models"]) <= bench.TOP_MODELS
    assert {"fct_contract_mrr_monthly", "int_subscription_item_mrr_monthly"} <= {
        m["name"] for m in timings["spine_models"]}
    assert timings["spine_s"] > 0

    floor = report["floor"]
    assert floor["latest_complete_month"] == "2026-02-01"
    assert Decimal(floor["dbt_mrr_latest"]) > 0
    assert floor["mrr_matches"], floor
    assert abs(Decimal(floor["floor_mrr_latest"]) - Decimal(floor["dbt_mrr_latest"])) <= Decimal("0.005")
    assert floor["months_mismatched"] == [], floor["months_mismatched"]
    assert floor["spine_query_median_s"] > 0 and len(floor["spine_query_runs_s"]) == 1
    assert floor["spine_to_floor_ratio"] > 0 and floor["spine_nodes_to_floor_ratio"] > 0
    latest = (out / "latest.md").read_text(encoding="utf-8")
    assert "| build |" in latest
    assert "Full build: dbt elapsed" in latest and "Incremental build: dbt elapsed" in latest
