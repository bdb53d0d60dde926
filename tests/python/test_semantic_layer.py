"""MetricFlow (`mf`) on the session's clean small book returns exactly the marts' numbers.

`mf` runs as a subprocess on its own copy of the warehouse (the session's dbtRunner built
the original in-process; DuckDB must never be opened by both). MetricFlow reads
<project>/target/semantic_manifest.json, so it runs from a throw-away project folder
holding links to dbt_project.yml and profiles.yml and the manifest the session's build
wrote: the developer's target/ is never read or written.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import query

MF = Path(sys.executable).with_name("mf")
BRIDGE_METRICS = {  # metric -> fct_mrr_bridge column (same month)
    "mrr": "closing_mrr",
    "customer_count": "customers_closing",
    "new_mrr": "new_mrr",
    "reactivation_mrr": "reactivation_mrr",
    "expansion_mrr": "expansion_mrr",
    "contraction_mrr": "contraction_mrr",
    "churned_mrr": "churned_mrr",
    "opening_mrr": "opening_mrr",
    "nrr_1m": "nrr_1m",
    "grr_1m": "grr_1m",
}
RETENTION_METRICS = {"nrr_12m": "nrr_12m", "grr_12m": "grr_12m", "logo_retention_12m": "logo_retention_12m"}
REL_TOL = 1e-12  # rates: both sides divide the same two sums in double precision


@dataclass(frozen=True)
class MfProject:
    folder: Path
    db: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(MF), *args], cwd=self.folder, env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        assert done.returncode == 0, f"mf {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def query(self, metrics: list[str], group_by: list[str], where: str | None = None) -> list[dict[str, str]]:
        out = self.folder / f"q{len(list(self.folder.glob('q*.csv')))}.csv"
        args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
                "--order", group_by[0], "--csv", str(out), "--quiet"]
        if where:
            args += ["--where", where]
        self.run(*args)
        with out.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def mf_project(staged_clean, project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> MfProject:  # noqa: ANN001
    if not MF.is_file():
        pytest.skip(f"no MetricFlow CLI at {MF} (dbt-metricflow is pinned in pyproject.toml)")
    folder = tmp_path_factory.mktemp("mf_project")
    for name in ("dbt_project.yml", "profiles.yml"):
        (folder / name).symlink_to(project_dir / name)
    (folder / "target").mkdir()
    manifest = staged_clean.db.parent / "target" / "semantic_manifest.json"
    assert manifest.is_file(), f"the session's dbt build wrote no {manifest}"
    shutil.copyfile(manifest, folder / "target" / "semantic_manifest.json")
    db = folder / "warehouse.duckdb"
    shutil.copyfile(staged_clean.db, db)
    env = {**os.environ, "DBT_PROFILES_DIR": str(folder), "DBT_PROJECT_DIR": str(folder),
           "DBT_DUCKDB_PATH": str(db), "DBT_TARGET_PATH": str(folder / "target"),
           "DBT_LOG_PATH": str(folder / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return MfProject(folder, db, env)


MONTHLY_METRICS = [*BRIDGE_METRICS, *RETENTION_METRICS, "arr", "nps", "csat", "average_health_score",
                   "share_customers_red", "customers_scored"]


@pytest.fixture(scope="module")
def monthly(mf_project: MfProject) -> list[dict[str, str]]:
    """Every month-grain metric in one `mf query` (each call pays MetricFlow's start-up)."""
    return mf_project.query(MONTHLY_METRICS, ["metric_time__month"])


def _month(value: str) -> str:
    return value[:10]


def _close(actual: str, expected: object, rel: float = REL_TOL) -> bool:
    if expected is None:
        return actual == ""
    if actual == "":
        return False
    return math.isclose(float(actual), float(expected), rel_tol=rel, abs_tol=1e-9)  # type: ignore[arg-type]


def test_validate_configs_passes_including_warehouse_checks(mf_project: MfProject) -> None:
    done = mf_project.run("validate-configs")
    assert "ERRORS: 0" in done.stdout
    assert "Successfully validated metrics against data warehouse" in done.stdout


def test_monthly_metrics_equal_the_marts(mf_project: MfProject, monthly: list[dict[str, str]]) -> None:
    rows = monthly
    bridge = {str(r[0]): r[1:] for r in query(
        mf_project.db, f"select month, {', '.join(BRIDGE_METRICS.values())} from marts.fct_mrr_bridge")}
    retention = {str(r[0]): r[1:] for r in query(
        mf_project.db, f"select month, {', '.join(RETENTION_METRICS.values())} from marts.fct_revenue_retention "
                       "where segment_type = 'all'")}
    assert len(retention) >= 2, "the small book should give at least two months of 12-month retention"
    assert {_month(r["metric_time__month"]) for r in rows} == set(bridge)
    mismatches = []
    for row in rows:
        month = _month(row["metric_time__month"])
        for i, metric in enumerate(BRIDGE_METRICS):
            if not _close(row[metric], bridge[month][i]):
                mismatches.append((month, metric, row[metric], bridge[month][i]))
        for i, metric in enumerate(RETENTION_METRICS):
            expected = retention[month][i] if month in retention else None
            if not _close(row[metric], expected):
                mismatches.append((month, metric, row[metric], expected))
        if not _close(row["arr"], 12 * float(bridge[month][0])):
            mismatches.append((month, "arr", row["arr"], 12 * float(bridge[month][0])))
    assert mismatches == []


def test_mrr_is_a_balance_and_movements_add_up_over_a_quarter(mf_project: MfProject) -> None:
    rows = mf_project.query(["mrr", "customer_count", "new_mrr", "churned_mrr"], ["metric_time__quarter"])
    expected = query(mf_project.db, """
        select
            date_trunc('quarter', month) as quarter,
            arg_max(closing_mrr, month) as closing_mrr,
            arg_max(customers_closing, month) as customers_closing,
            sum(new_mrr) as new_mrr,
            sum(churned_mrr) as churned_mrr
        from marts.fct_mrr_bridge group by 1 order by 1""")
    assert [_month(r["metric_time__quarter"]) for r in rows] == [str(e[0])[:10] for e in expected]
    for row, (_, closing, customers, new, churned) in zip(rows, expected, strict=True):
        assert _close(row["mrr"], closing), (row, closing)  # the quarter's last month, not a sum
        assert int(row["customer_count"]) == customers
        assert _close(row["new_mrr"], new) and _close(row["churned_mrr"], churned)


def test_segment_retention_equals_the_mart_by_acquisition_channel(mf_project: MfProject) -> None:
    rows = mf_project.query(
        ["segment_nrr_12m", "segment_grr_12m"],
        ["metric_time__month", "retention_segment_month__segment_value"],
        where="{{ Dimension('retention_segment_month__segment_type') }} = 'acquisition_channel'")
    expected = {(str(m), v): (n, g) for m, v, n, g in query(
        mf_project.db, "select month, segment_value, nrr_12m, grr_12m from marts.fct_revenue_retention "
                       "where segment_type = 'acquisition_channel'")}
    got = {(_month(r["metric_time__month"]), r["retention_segment_month__segment_value"]):
           (r["segment_nrr_12m"], r["segment_grr_12m"]) for r in rows}
    assert set(got) == set(expected)
    for key, (nrr, grr) in got.items():
        assert _close(nrr, expected[key][0]) and _close(grr, expected[key][1]), key


def test_voice_of_customer_and_health_metrics_equal_the_marts(mf_project: MfProject,
                                                             monthly: list[dict[str, str]]) -> None:
    rows = monthly
    survey = {str(m): (n, c) for m, n, c in query(
        mf_project.db, "select month, nps, csat from marts.fct_survey_segments_monthly where segment_type = 'all'")}
    # health: paying customers on each month's last scored day, straight from the daily mart's rows
    health = {str(m): (a, s, n) for m, a, s, n in query(mf_project.db, """
        with month_ends as (
            select date_trunc('month', date_day) as month, max(date_day) as date_day
            from marts.fct_customer_health_daily group by 1
        )
        select
            cast(month_ends.month as date),
            avg(case when h.is_paying then h.health_score end),
            cast(sum(case when h.is_paying and h.health_band = 'red' then 1 else 0 end) as double)
                / nullif(sum(case when h.is_paying and h.health_score is not null then 1 else 0 end), 0),
            sum(case when h.is_paying and h.health_score is not null then 1 else 0 end)
        from marts.fct_customer_health_daily as h
        inner join month_ends on h.date_day = month_ends.date_day
        group by 1""")}
    assert survey and health, "the small book has survey responses and health scores"
    mismatches = []
    for row in rows:
        month = _month(row["metric_time__month"])
        nps, csat = survey.get(month, (None, None))
        average, share_red, scored = health.get(month, (None, None, None))
        for metric, expected in (("nps", nps), ("csat", csat), ("average_health_score", average),
                                 ("share_customers_red", share_red), ("customers_scored", scored)):
            if not _close(row[metric], expected, rel=1e-9):
                mismatches.append((month, metric, row[metric], expected))
    assert mismatches == []


def test_mrr_by_acquisition_channel_joins_dim_customers(mf_project: MfProject) -> None:
    rows = mf_project.query(["mrr"], ["metric_time__month", "customer__acquisition_channel"])
    expected = {(str(m), c or ""): v for m, c, v in query(mf_project.db, """
        select m.month, d.acquisition_channel, sum(m.mrr)
        from marts.fct_customer_mrr_monthly as m
        left join marts.dim_customers as d on m.customer_id = d.customer_id
        group by 1, 2""")}
    got = {(_month(r["metric_time__month"]), r["customer__acquisition_channel"]): r["mrr"] for r in rows}
    assert set(got) == set(expected)
    assert all(_close(got[key], expected[key]) for key in got)
