"""The loyalty report: built from mart tables only, self-contained, numbers as the marts hold them.

A hand-made warehouse (only two revenue marts, a handful of rows) checks the panels and the
'not available' notes without dbt; the session's clean small book checks the CLI end to end.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from loyalty import cli
from loyalty.progress import Reporter
from loyalty.report import write_report
from loyalty.report.marts import open_marts
from loyalty.report.panels import build_panels, header, usd

BRIDGE_ROWS = [  # month, opening, new, reactivation, expansion, contraction, churned, closing, customers, complete
    (date(2025, 1, 1), 0, 1000, 0, 0, 0, 0, 1000, 0, 2, True),
    (date(2025, 2, 1), 1000, 200, 0, 50, 30, 100, 1120, 2, 2, True),
    (date(2025, 3, 1), 1120, 0, 100, 0, 0, 0, 1220, 2, 3, False),
]


def _hand_made_warehouse(path: Path) -> Path:
    """marts.fct_mrr_bridge (3 months) and marts.fct_revenue_retention (1 row), nothing else."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""
            create table marts.fct_mrr_bridge (
                month date, opening_mrr decimal(38,6), new_mrr decimal(38,6), reactivation_mrr decimal(38,6),
                expansion_mrr decimal(38,6), contraction_mrr decimal(38,6), churned_mrr decimal(38,6),
                closing_mrr decimal(38,6), customers_opening bigint, customers_closing bigint,
                nrr_1m double, grr_1m double, quick_ratio double, is_complete boolean)""")
        for row in BRIDGE_ROWS:
            opening = row[1]
            nrr = (opening + row[4] - row[5] - row[6]) / opening if opening else None
            grr = (opening - row[5] - row[6]) / opening if opening else None
            con.execute("insert into marts.fct_mrr_bridge values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?)",
                        [*row[:10], nrr, grr, row[10]])
        con.execute("""
            create table marts.fct_revenue_retention as
            select date '2025-02-01' as month, 'all' as segment_type, 'all' as segment_value,
                   cast(2 as bigint) as cohort_customers, 1000.0 as cohort_mrr, 1.02 as nrr_12m, 0.87 as grr_12m,
                   0.5 as logo_retention_12m""")
    return path


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    return _hand_made_warehouse(tmp_path / "hand.duckdb")


def test_panels_read_the_marts_and_say_what_is_missing(hand_made: Path) -> None:
    with open_marts(hand_made) as marts:
        panels = {p.key: p for p in build_panels(marts)}
        head = header(marts, "now")
    assert list(panels) == ["mrr_bridge", "mrr_customers", "retention_trend", "retention_segments",
                            "health_bands", "loyalty_quadrants", "renewals_at_risk", "expansion_signals"]
    assert {k for k, p in panels.items() if p.figure is not None} == {
        "mrr_bridge", "mrr_customers", "retention_trend", "retention_segments"}
    assert panels["health_bands"].missing == "marts.fct_customer_health_monthly missing"
    assert panels["renewals_at_risk"].missing == "marts.fct_renewals missing"
    assert [len(t.x) for t in panels["retention_segments"].figure.data] == [0, 0, 0, 0]  # no segment rows: none made up
    waterfalls = [t for t in panels["mrr_bridge"].figure.data if t.type == "waterfall"]
    assert [t.visible for t in waterfalls] == [False, False, True]  # latest month shown first
    assert list(waterfalls[1].y) == [1000, 200, 0, 50, -30, -100, 1120]  # Feb 2025 exactly as the mart holds it
    assert "closing $1,220" in panels["mrr_bridge"].notes[0]
    assert head.mrr_usd == 1220 and head.customers_paying == 3 and head.arr_usd == 14640
    assert head.as_of_date is None  # no fct_contract_mrr_monthly: the as-of date is not guessed


def test_report_file_is_self_contained_and_lists_missing_marts(hand_made: Path, tmp_path: Path) -> None:
    result = write_report(hand_made, tmp_path / "reports" / "loyalty_report.html",
                          generated_at=datetime(2025, 3, 9, 12, 0, tzinfo=timezone.utc))
    page = result.path.read_text(encoding="utf-8")
    assert result.charts == 4 and len(result.missing) == 4
    assert page.count("Plotly.newPlot(") == 4 and page.count("not available: marts.") == 4
    assert page.count("<script") == 1 + 4, "plotly.js inlined once, then one small script per chart"
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import", page), "nothing may load from elsewhere"
    assert "2025-03-09 12:00 UTC" in page and "$1,220" in page
    assert (result.path.parent / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_report_refuses_a_missing_warehouse(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["report", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html")],
                    reporter=Reporter(out=out, err=err, fancy=False))
    assert code == cli.EXIT_BAD_INPUT and "no warehouse" in err.getvalue()


def test_cli_report_on_a_built_book(staged_clean, tmp_path: Path) -> None:  # noqa: ANN001
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(staged_clean.db, warehouse)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["report", "--warehouse", str(warehouse), "--out", str(tmp_path / "report.html")],
                    reporter=Reporter(out=out, err=err, fancy=False))
    assert code == cli.EXIT_OK, err.getvalue()
    assert f"report: {tmp_path / 'report.html'}" in out.getvalue()
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    closing, customers = staged_clean.query(
        "select closing_mrr, customers_closing from marts.fct_mrr_bridge order by month desc limit 1")[0]
    assert f"<dd>{usd(closing)}</dd>" in page and f"<dd>{customers:,}</dd>" in page
    assert "<dd>2026-11-24</dd>" in page  # the as-of date of the session's books


def test_static_docs_site_holds_the_marts_metrics_and_exposures(staged_clean, project_dir: Path,  # noqa: ANN001
                                                               tmp_path: Path) -> None:
    from loyalty.report import write_docs

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(staged_clean.db, warehouse)
    docs = write_docs(project_dir, warehouse, tmp_path / "reports" / "dbt_docs.html",
                      target_path=tmp_path / "target", log_path=tmp_path / "logs")
    page = docs.read_text(encoding="utf-8")
    assert '"MANIFEST.JSON INLINE DATA"' not in page and '"CATALOG.JSON INLINE DATA"' not in page
    for node in ("exposure.b2b_loyalty.loyalty_report", "exposure.b2b_loyalty.loyalty_bi_dashboard",
                 "metric.b2b_loyalty.nrr_12m", "semantic_model.b2b_loyalty.customer_mrr_monthly",
                 "model.b2b_loyalty.fct_mrr_bridge", "model.b2b_loyalty.metricflow_time_spine"):
        assert f'"{node}"' in page, node
    assert not re.search(r"<script[^>]+src=\"?https?:", page), "the docs site must not load scripts from the web"
