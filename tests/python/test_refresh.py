"""`loyalty refresh` (write-audit-publish), `validate`, `rollback`, the GX gates and the audit trail.

Cost control (CI runs everything on 2 cores): no test here builds the whole project.
conftest's session warehouses (`staged_clean` / `staged_faulty`: a generated book and a
full in-process `dbt build`, shared with test_staging_e2e) are copied as the *published*
warehouse, and each refresh reloads the same book and rebuilds a small selection
(`marts.revenue` without its unit tests, which the session builds run; one staging view;
one singular test) before the gates run on the whole candidate. This module's refreshes
share one dbt target path, so they parse the project partially.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
import test_staging_e2e as staging_checks
from conftest import END_DATE, StagedBook, query

from loyalty import audit, cli, dbt_ops
from loyalty import refresh as wap
from loyalty.contract import TABLES
from loyalty.progress import Reporter

REVENUE_MARTS = ("fct_contract_mrr_monthly", "fct_contract_mrr_movements", "fct_customer_mrr_monthly",
                 "fct_customer_mrr_movements", "fct_mrr_bridge", "fct_revenue_retention")


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), reporter=Reporter(out=out, err=err, fancy=False))
    return code, out.getvalue(), err.getvalue()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tiny_db(path: Path, value: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select ? as v", [value])
    return path


def read_v(path: Path) -> int:
    return int(query(path, "select v from t")[0][0])  # type: ignore[call-overload]


# -- files, publish, rollback, lock (no dbt) -----------------------------------------------------

def test_refresh_files_sit_beside_the_published_file(tmp_path: Path) -> None:
    files = wap.WarehouseFiles(tmp_path / "loyalty.duckdb")
    assert files.candidate == tmp_path / "loyalty.candidate.duckdb"
    assert files.previous == tmp_path / "loyalty.previous.duckdb"
    assert files.run_log == tmp_path / "loyalty.runs.jsonl"
    assert files.data_docs == tmp_path / "gx_data_docs" / "loyalty"


def test_publish_renames_the_candidate_and_keeps_the_previous_inode(tmp_path: Path) -> None:
    files = wap.WarehouseFiles(tmp_path / "wh.duckdb")
    tiny_db(files.published, 1)
    old_inode = files.published.stat().st_ino
    wap.prepare_candidate(files)
    assert sha256(files.candidate) == sha256(files.published)  # a byte copy
    with duckdb.connect(str(files.candidate)) as con:
        con.execute("update t set v = 2")
    assert wap.publish(files) is True
    assert read_v(files.published) == 2 and read_v(files.previous) == 1
    assert files.previous.stat().st_ino == old_inode  # a hard link to the old file, not a copy
    assert not files.candidate.exists()


def test_rollback_swaps_published_and_previous(tmp_path: Path) -> None:
    files = wap.WarehouseFiles(tmp_path / "wh.duckdb")
    code, _, err = run_cli("rollback", "--warehouse", str(files.published))
    assert code == cli.EXIT_BAD_INPUT and "no previous version" in err
    tiny_db(files.published, 2)
    tiny_db(files.previous, 1)
    code, out, _ = run_cli("rollback", "--warehouse", str(files.published))
    assert code == cli.EXIT_OK and "rolled back" in out
    assert (read_v(files.published), read_v(files.previous)) == (1, 2)
    run_cli("rollback", "--warehouse", str(files.published))  # and back again
    assert (read_v(files.published), read_v(files.previous)) == (2, 1)


def test_a_second_refresh_of_the_same_warehouse_exits_1(tmp_path: Path) -> None:
    files = wap.WarehouseFiles(tmp_path / "wh.duckdb")
    with files.lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, err = run_cli("refresh", "--warehouse", str(files.published))
    assert code == cli.EXIT_ERROR and "another refresh" in err


def test_nothing_to_refresh_exits_2_and_is_logged(tmp_path: Path) -> None:
    published = tmp_path / "wh.duckdb"
    code, out, err = run_cli("refresh", "--warehouse", str(published))
    assert code == cli.EXIT_BAD_INPUT
    assert "no warehouse at" in err and "--from BOOK" in err and "nothing published" in out
    (record,) = audit.read_run_log(wap.WarehouseFiles(published).run_log)
    assert (record.outcome, record.exit_code) == ("bad_input", 2)


@pytest.mark.parametrize("argv, message", [
    (["--vars", "[1, 2]"], "--vars must be a mapping"),
    (["--vars", "{gate_max_unmapped_mrr_share: 3}"], "between 0 and 1"),
    (["--target", "nope"], "no such output"),
])
def test_bad_refresh_options_exit_2(argv: list[str], message: str, tmp_path: Path) -> None:
    tiny_db(tmp_path / "wh.duckdb", 1)
    code, _, err = run_cli("refresh", "--warehouse", str(tmp_path / "wh.duckdb"), *argv)
    assert code == cli.EXIT_BAD_INPUT and message in err
    assert read_v(tmp_path / "wh.duckdb") == 1


def test_refresh_publishes_duckdb_files_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "profiles.yml").write_text(
        "b2b_loyalty:\n  target: duckdb\n  outputs:\n    duckdb: {type: duckdb, path: x.duckdb}\n"
        "    pg: {type: postgres, host: h, user: u, password: p, dbname: d, schema: s, port: 5432}\n")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(tmp_path))
    tiny_db(tmp_path / "wh.duckdb", 1)
    code, _, err = run_cli("refresh", "--warehouse", str(tmp_path / "wh.duckdb"), "--target", "pg")
    assert code == cli.EXIT_BAD_INPUT and "is a postgres target" in err
    monkeypatch.setenv("DBT_TARGET", "pg")  # profiles.yml's default target comes from $DBT_TARGET
    code, _, err = run_cli("refresh", "--warehouse", str(tmp_path / "wh.duckdb"))
    assert code == cli.EXIT_BAD_INPUT and "is a postgres target" in err


def test_refresh_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["refresh", "--help"])
    text = capsys.readouterr().out
    for flag in ("--from", "--warehouse", "--target", "--select", "--full-refresh", "--as-of", "--threads",
                 "--vars", "--max-reject-share", "--max-unmapped-mrr-share", "--no-data-docs", "Exit codes"):
        assert flag in text, flag


def test_dbt_gets_as_of_and_a_looser_reject_threshold(tmp_path: Path, project_dir: Path) -> None:
    request = wap.RefreshRequest(project_dir=project_dir, published=tmp_path / "wh.duckdb", select=("staging",),
                                 threads=1, max_reject_share=0.2)
    (build,) = wap.dbt_commands(request, wap.dbt_vars_for(request, END_DATE, {"max_reject_share": 0.05}))
    assert build[0] == "build" and build[build.index("--select") + 1:] == ["staging", "resource_type:seed"]
    # the date goes in LOYALTY_AS_OF_DATE (dbt_ops.run), so the --vars stay the same every day
    assert json.loads(build[build.index("--vars") + 1]) == {"max_reject_share": 0.2}
    stricter = wap.RefreshRequest(project_dir=project_dir, published=tmp_path / "wh.duckdb", max_reject_share=0.01)
    assert wap.dbt_vars_for(stricter, END_DATE, {"max_reject_share": 0.05}) == {}
    assert "--vars" not in wap.dbt_commands(stricter, {})[0]
    # a user's --vars as_of_date is kept, set to the refresh's date (the gates use the same one)
    dated = wap.RefreshRequest(project_dir=project_dir, published=tmp_path / "wh.duckdb", as_of=END_DATE,
                               dbt_vars={"as_of_date": "2020-01-01"})
    assert wap.dbt_vars_for(dated, END_DATE, {})["as_of_date"] == END_DATE.isoformat()
    explicit = wap.RefreshRequest(project_dir=project_dir, published=tmp_path / "wh.duckdb",
                                  max_reject_share=0.2, dbt_vars={"max_reject_share": 0.0})
    assert wap.dbt_vars_for(explicit, END_DATE, {"max_reject_share": 0.05})["max_reject_share"] == 0.0


def test_run_log_round_trip_and_audit_rows_written_once(tmp_path: Path) -> None:
    record = audit.RunRecord(run_id="r1", started_at=audit.utc_now(), as_of_date=date(2026, 1, 31),
                             outcome="gate_failed", exit_code=4, message="why",
                             row_counts=[audit.RowCount("stripe.price", 3, 3, 2, 1, 0, 1 / 3)],
                             rejects=[audit.RejectCount("stripe.price", "unknown_currency", 1)],
                             expectations=[{"checkpoint": "marts", "suite": "s", "expectation": "e", "column": "c",
                                            "rule": "r", "success": False, "observed": "o"}])
    log = tmp_path / "runs.jsonl"
    audit.append_run_log(log, record)
    with log.open("a") as fh:
        fh.write('{"truncated": ')  # a crash mid-write does not hide the other runs
    (back,) = audit.read_run_log(log)
    assert back == record
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        assert audit.write_runs(con, [(back, "run log"), (record, "publish")]) == 1
        assert audit.write_runs(con, [(record, "publish")]) == 0
        assert con.execute("select outcome, exit_code, raw_rows, rejected_rows, expectations_failed, recorded_via "
                           "from audit.refresh_runs").fetchall() == [("gate_failed", 4, 3, 1, 1, "run log")]
        assert con.execute("select * from audit.refresh_rejects").fetchall() == [
            ("r1", "stripe.price", "unknown_currency", 1)]


def test_table_hashes_ignore_row_order_but_not_values(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("create schema marts")
        con.execute("create table marts.a as select * from (values (1, 'x'), (2, 'y')) as v(id, s)")
        con.execute("create table marts.b as select * from (values (2, 'y'), (1, 'x')) as v(id, s)")
        con.execute("create table marts.c as select * from (values (1, 'x'), (2, 'z')) as v(id, s)")
        hashes = audit.table_hashes(con)
    assert hashes["a"] == hashes["b"] != hashes["c"]


def test_plain_progress_prints_failures_and_every_tenth_step() -> None:
    out = io.StringIO()
    reporter = Reporter(out=out, err=io.StringIO(), fancy=False)
    with reporter.counter("dbt build", total=100) as counter:
        for i in range(100):
            counter.advance(f"model m{i}", "error" if i == 41 else "pass")
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert "  [ 42/100] error model m41" in lines and lines[-1] == "  [100/100] dbt build"


# -- the gates on a hand-made warehouse (GX, no dbt) ---------------------------------------------

def test_mart_gates_catch_broken_bridge_unmapped_revenue_and_bad_health(tmp_path: Path,
                                                                       project_dir: Path) -> None:
    from loyalty.gates import GateConfig, project_vars
    from loyalty.gates.runner import run_gates
    from loyalty.gates.suites import mart_suites

    db = tmp_path / "wh.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        # month 2 breaks the identity: 100 + 10 - 0 != 120; GRR fine
        con.execute("""create table marts.fct_mrr_bridge as select * from (values
            (date '2026-01-01', 0.0, 100.0, 0.0, 0.0, 0.0, 0.0, 100.0, 0, 2, null, null, null, true),
            (date '2026-02-01', 100.0, 10.0, 0.0, 0.0, 0.0, 0.0, 120.0, 2, 3, 1.0, 1.0, null, false))
            as v(month, opening_mrr, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr,
                 closing_mrr, customers_opening, customers_closing, nrr_1m, grr_1m, quick_ratio, is_complete)""")
        # 60 % of February's MRR on an unmapped customer (threshold 0.2)
        con.execute("""create table marts.fct_customer_mrr_monthly as select * from (values
            ('acc_1', date '2026-01-01', 100.0), ('acc_1', date '2026-02-01', 40.0),
            ('unmapped:cus_9', date '2026-02-01', 60.0)) as v(customer_id, month, mrr)""")
        # a score above 100 and a band that contradicts its score (55 is yellow)
        con.execute("""create table marts.fct_customer_health_daily as select * from (values
            ('acc_1', date '2026-02-01', 120.0, 80.0, 'green'), ('acc_2', date '2026-02-01', 55.0, 50.0, 'green'),
            ('acc_3', date '2026-02-01', 20.0, 10.0, 'red')) as v(customer_id, date_day, health_score,
                                                                 adoption_score, health_band)""")
    config = GateConfig.from_vars(project_vars(project_dir), END_DATE)
    report = run_gates(db, config, docs_dir=tmp_path / "docs", suites=mart_suites())
    failed = {(f.suite, f.rule.split(":")[0].split(" <=")[0]) for f in report.failures}
    assert ("marts.fct_mrr_bridge", "opening + new + reactivation + expansion - contraction - churn = closing") in failed
    assert ("marts.unmapped_mrr_share", "latest month") in failed
    assert ("marts.fct_customer_health_daily", "health_score in [0, 100]") in failed
    assert any(f.suite == "marts.fct_customer_health_daily" and f.rule.startswith("band follows the score")
               for f in report.failures)
    passed = {(r.suite, r.rule) for r in report.results if r.success}
    assert ("marts.fct_mrr_bridge", "grr_1m in [0, 1]") in passed
    assert ("marts.fct_customer_health_daily", "adoption_score in [0, 100]") in passed
    assert "marts.dim_customers: skipped: table marts.dim_customers absent" in report.skipped
    assert not report.success and report.checkpoints["marts"] is False
    assert report.docs_index is not None and report.docs_index.is_file()


def test_big_frames_are_validated_on_a_reproducible_sample(tmp_path: Path, project_dir: Path) -> None:
    from loyalty.gates import GateConfig, project_vars
    from loyalty.gates.runner import GateReport, export_frames
    from loyalty.gates.suites import mart_suites

    db = tmp_path / "wh.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_customer_mrr_monthly as select 'acc_' || range as customer_id, "
                    "date '2026-01-01' as month, 1.0 as mrr from range(1000)")
        # a row-wise frame over a view (no row ids): sampled from the computed frame instead
        con.execute("create view marts.fct_customer_health_daily as select 'acc_' || range as customer_id, "
                    "date '2026-01-01' + cast(range % 7 as integer) as date_day, 50.0 as health_score, "
                    "'yellow' as health_band from range(500)")
    config = GateConfig.from_vars(project_vars(project_dir), END_DATE)
    names = ("marts.fct_customer_mrr_monthly", "marts.unmapped_mrr_share", "marts.fct_customer_health_daily")
    suites = [s for s in mart_suites() if s.name in names]
    samples = []
    for run in ("a", "b"):
        report = GateReport()
        (folder := tmp_path / run).mkdir()
        frames = export_frames(db, config, folder, suites, report, sample_rows=100)
        samples.append([query(db, f"select count(*), count(distinct customer_id), "
                                  f"string_agg(customer_id, ',' order by customer_id) from read_parquet('{f.path}')")
                        for f in frames if f.spec.name != "marts.unmapped_mrr_share"])
    assert report.notes == ["marts.fct_customer_mrr_monthly: validated a reproducible sample of 100 of 1,000 rows",
                            "marts.fct_customer_health_daily: validated a reproducible sample of 100 of 500 rows"]
    assert samples[0] == samples[1]
    assert [s[0][:2] for s in samples[0]] == [(100, 100), (100, 100)]  # 100 distinct rows of each relation
    assert len(frames) == 3  # the one-row-per-month unmapped share frame is not sampled


def test_row_wise_frames_sample_table_row_ids_and_views_after_computing(tmp_path: Path) -> None:
    from loyalty.gates.runner import _sampled_frame

    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("create table t as select range as x from range(10)")
        con.execute("create view v as select * from t")
        on_table = _sampled_frame(con, "select x from t", 3, "t")
        on_view = _sampled_frame(con, "select x from v", 3, "v")
        aggregate = _sampled_frame(con, "select x, count(*) as n from t group by 1", 3, None)
        assert "where rowid in (select rowid from t using sample reservoir(3 rows)" in on_table
        assert on_view.startswith("select * from (select x from v) as frame using sample reservoir(3 rows)")
        assert aggregate.startswith("select * from (select x, count(*) as n from t group by 1) as frame")
        assert [len(con.execute(q).fetchall()) for q in (on_table, on_view, aggregate)] == [3, 3, 3]


# -- end to end: refreshes of the session books --------------------------------------------------

@dataclass
class Run:
    code: int
    out: str
    err: str
    record: audit.RunRecord


def refresh(published: Path, *argv: str) -> Run:
    code, out, err = run_cli("refresh", "--warehouse", str(published), "--as-of", END_DATE.isoformat(),
                             "--threads", "2", *argv)
    record = audit.read_run_log(wap.WarehouseFiles(published).run_log)[-1]
    return Run(code, out, err, record)


@pytest.fixture(scope="module")
def dbt_paths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One dbt target path for every refresh of this module (partial parsing), logs beside it.
    Module fixtures are set up before conftest's per-test isolation, so they set their own."""
    folder = tmp_path_factory.mktemp("refresh_dbt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(folder / "target"))
        patch.setenv("DBT_LOG_PATH", str(folder / "logs"))
        patch.setenv("DBT_DUCKDB_PATH", str(folder / "unused.duckdb"))
        yield folder


READER = textwrap.dedent("""
    import json, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    con = duckdb.connect(path, read_only=True)
    def snapshot():
        bridge = con.execute("select count(*), sum(closing_mrr)::varchar from marts.fct_mrr_bridge").fetchone()
        audit = con.execute("select count(*) from information_schema.tables where table_schema = 'audit' "
                            "and table_name like 'refresh%'").fetchone()  # the refresh's own audit tables
        return [bridge[0], bridge[1], audit[0]]
    first = snapshot()
    print("ready", flush=True)
    reads, changed = 0, []
    while True:
        stopping = __import__("os").path.exists(stop)
        now = snapshot()
        reads += 1
        if now != first:
            changed.append(now)
        if stopping:
            break
        time.sleep(0.05)
    print(json.dumps({"first": first, "reads": reads, "changed": changed}), flush=True)
""")


@pytest.fixture(scope="module")
def clean_refreshes(staged_clean: StagedBook, tmp_path_factory: pytest.TempPathFactory,
                    dbt_paths: Path) -> Iterator[dict[str, object]]:
    """A copy of the clean session warehouse as the published file, refreshed twice from the same
    book (rebuilding the revenue marts); a reader process holds the file open across the first."""
    folder = tmp_path_factory.mktemp("clean_refresh")
    published = folder / "loyalty.duckdb"
    shutil.copyfile(staged_clean.db, published)
    stop = folder / "stop_reader"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"
    started = time.monotonic()
    first = refresh(published, "--from", str(staged_clean.book), "--select", "marts.revenue", "--exclude", "test_type:unit",
                    "--data-docs", str(folder / "docs"))
    stop.touch()
    reader_out, _ = reader.communicate(timeout=60)
    second = refresh(published, "--from", str(staged_clean.book), "--select", "marts.revenue", "--exclude", "test_type:unit", "--no-data-docs")
    yield {"published": published, "first": first, "second": second, "reader": json.loads(reader_out),
           "staged": staged_clean, "seconds": time.monotonic() - started, "docs": folder / "docs"}


@pytest.mark.slow
def test_clean_refresh_publishes_and_the_audit_table_records_it(clean_refreshes: dict[str, object],
                                                                dbt_paths: Path) -> None:
    published: Path = clean_refreshes["published"]  # type: ignore[assignment]
    first: Run = clean_refreshes["first"]  # type: ignore[assignment]
    second: Run = clean_refreshes["second"]  # type: ignore[assignment]
    staged: StagedBook = clean_refreshes["staged"]  # type: ignore[assignment]
    for run in (first, second):
        assert run.code == cli.EXIT_OK, run.out + run.err
        assert (run.record.outcome, run.record.exit_code) == ("published", 0)
    assert "5/5 publish" in first.out and f"published {published}" in first.out
    assert "Reject accounting" in first.out and "gates: raw_landing passed, reject_accounting passed, marts passed" in first.out
    files = wap.WarehouseFiles(published)
    assert files.previous.is_file() and not files.candidate.exists()
    runs = query(published, "select run_id, outcome, exit_code, as_of_date, raw_rows, rejected_rows, "
                            "expectations_failed, recorded_via from audit.refresh_runs order by started_at")
    assert [(r[1], r[2], r[3], r[5], r[6], r[7]) for r in runs] == [
        ("published", 0, END_DATE, 0, 0, "publish")] * 2
    assert runs[0][4] == sum(staged.loaded.values())
    counts = dict(query(published, "select source_table, loaded_rows from audit.refresh_row_counts "
                                   "where run_id = ?", [second.record.run_id]))
    assert counts == staged.loaded and set(counts) == {t.qualified for t in TABLES}
    expectations = query(published, "select count(*), count(*) filter (where is_success) "
                                    "from audit.refresh_expectations where run_id = ?", [second.record.run_id])
    assert expectations[0][0] > 50 and expectations[0][0] == expectations[0][1]
    # the second refresh compared raw row counts with the first (read from the audit table)
    assert any(e["rule"].startswith("row count within") for e in second.record.expectations)
    assert (clean_refreshes["docs"] / "index.html").is_file()  # type: ignore[operator]
    # dbt got the refresh's --as-of (in LOYALTY_AS_OF_DATE), not today's date
    compiled = next((dbt_paths / "target" / "compiled").rglob("assert_revenue_no_month_after_as_of.sql"))
    assert f"cast('{END_DATE.isoformat()}' as date)" in compiled.read_text(encoding="utf-8")


@pytest.mark.slow
def test_refreshing_twice_gives_identical_marts(clean_refreshes: dict[str, object]) -> None:
    first: Run = clean_refreshes["first"]  # type: ignore[assignment]
    second: Run = clean_refreshes["second"]  # type: ignore[assignment]
    staged: StagedBook = clean_refreshes["staged"]  # type: ignore[assignment]
    assert set(REVENUE_MARTS) <= set(first.record.mart_hashes)
    assert first.record.mart_hashes == second.record.mart_hashes
    with duckdb.connect(str(clean_refreshes["published"]), read_only=True) as con:
        assert audit.table_hashes(con, tables=REVENUE_MARTS) == {t: first.record.mart_hashes[t] for t in REVENUE_MARTS}
    with duckdb.connect(str(staged.db), read_only=True) as con:  # the plain `dbt build` of the same book
        assert audit.table_hashes(con, tables=REVENUE_MARTS) == {t: first.record.mart_hashes[t] for t in REVENUE_MARTS}


@pytest.mark.slow
def test_a_reader_keeps_reading_the_version_it_opened(clean_refreshes: dict[str, object]) -> None:
    reader: dict[str, list[object]] = clean_refreshes["reader"]  # type: ignore[assignment]
    published: Path = clean_refreshes["published"]  # type: ignore[assignment]
    assert reader["reads"] > 10  # type: ignore[operator]
    assert reader["changed"] == []  # every read during and after the publish saw the same snapshot
    assert reader["first"][2] == 0  # ... the version without the refresh's audit tables
    assert query(published, "select count(*) from audit.refresh_runs") == [(2,)]  # a new connection sees the new one


@pytest.fixture(scope="module")
def faulty_refreshes(staged_faulty: StagedBook, tmp_path_factory: pytest.TempPathFactory,
                     dbt_paths: Path) -> Iterator[dict[str, object]]:
    """A copy of the faulty session warehouse as the published file: a refresh that fails a
    gate, one that fails the dbt build, then one that publishes."""
    folder = tmp_path_factory.mktemp("faulty_refresh")
    published = folder / "loyalty.duckdb"
    shutil.copyfile(staged_faulty.db, published)
    before = sha256(published)
    book = str(staged_faulty.book)
    gate = refresh(published, "--from", book, "--select", "stg_raw_row_accounting", "--no-data-docs",
                   "--max-reject-share", "0.001", "--max-unmapped-mrr-share", "0.01")
    after_gate = sha256(published)
    candidate_kept = wap.WarehouseFiles(published).candidate.is_file()
    # a real failing node: the singular reject-share test with the dbt var at 0 (the faulty book rejects rows)
    build = refresh(published, "--select", "assert_reject_share_below_threshold", "--no-data-docs",
                    "--vars", "{max_reject_share: 0}")
    after_build = sha256(published)
    ok = refresh(published, "--from", book, "--select", "stg_raw_row_accounting", "--no-data-docs")
    yield {"published": published, "before": before, "after_gate": after_gate, "after_build": after_build,
           "candidate_kept": candidate_kept, "gate": gate, "build": build, "ok": ok, "staged": staged_faulty}


@pytest.mark.slow
def test_a_failed_gate_exits_4_and_leaves_the_published_bytes(faulty_refreshes: dict[str, object]) -> None:
    gate: Run = faulty_refreshes["gate"]  # type: ignore[assignment]
    assert gate.code == cli.EXIT_QUALITY_GATE, gate.out + gate.err
    assert faulty_refreshes["after_gate"] == faulty_refreshes["before"]
    assert faulty_refreshes["candidate_kept"] is True
    failed_suites = {e["suite"] for e in gate.record.expectations if not e["success"]}
    assert {"staging.reject_accounting", "marts.unmapped_mrr_share"} <= failed_suites
    assert gate.record.outcome == "gate_failed" and "reject share over 0.1 %" in gate.record.message
    assert "gate failed" in gate.err and "published warehouse unchanged" in gate.out
    assert "  FAIL  " in gate.out  # the reject table flags the tables over the threshold


@pytest.mark.slow
def test_a_failed_build_exits_3_and_leaves_the_published_bytes(faulty_refreshes: dict[str, object]) -> None:
    build: Run = faulty_refreshes["build"]  # type: ignore[assignment]
    assert build.code == cli.EXIT_BUILD_FAILED, build.out + build.err
    assert faulty_refreshes["after_build"] == faulty_refreshes["before"]
    assert build.record.outcome == "build_failed" and "assert_reject_share_below_threshold" in build.record.message
    assert build.record.expectations == []  # no gate runs after a failed build
    assert "4/5 gates" not in build.out


@pytest.mark.slow
def test_faulty_refresh_accounts_for_every_fault(faulty_refreshes: dict[str, object]) -> None:
    ok: Run = faulty_refreshes["ok"]  # type: ignore[assignment]
    staged: StagedBook = faulty_refreshes["staged"]  # type: ignore[assignment]
    published: Path = faulty_refreshes["published"]  # type: ignore[assignment]
    assert ok.code == cli.EXIT_OK, ok.out + ok.err
    counts = {c.source_table: c for c in ok.record.row_counts}
    assert set(counts) == {t.qualified for t in TABLES}
    rejected_by_reason: dict[str, int] = {}
    for r in ok.record.rejects:
        rejected_by_reason[r.source_table] = rejected_by_reason.get(r.source_table, 0) + r.rejected_rows
    for table, c in counts.items():
        assert c.loaded_rows == c.raw_rows == staged.loaded[table], table
        assert c.raw_rows == c.staged_rows + c.rejected_rows, table
        assert c.rejected_rows == rejected_by_reason.get(table, 0), table
    assert sum(c.rejected_rows for c in counts.values()) > 0
    # the published warehouse holds the same accounting, and every manifest fault ended as specified
    assert query(published, "select count(*) from audit.refresh_rejects where run_id = ?",
                 [ok.record.run_id]) == [(len(ok.record.rejects),)]
    refreshed = StagedBook(staged.book, published, staged.written, staged.loaded, dbt_ops.Outcome())
    staging_checks.test_manifest_covers_every_fault_class(refreshed)
    staging_checks.test_rejected_faults_carry_the_expected_reason(refreshed)
    staging_checks.test_null_keys_are_rejected_one_for_one(refreshed)
    staging_checks.test_duplicate_deliveries_keep_exactly_one_copy(refreshed)
    staging_checks.test_normalised_faults_are_staged_with_the_expected_value(refreshed)


@pytest.mark.slow
def test_failed_runs_reach_the_audit_table_at_the_next_publish(faulty_refreshes: dict[str, object]) -> None:
    published: Path = faulty_refreshes["published"]  # type: ignore[assignment]
    rows = query(published, "select outcome, exit_code, recorded_via from audit.refresh_runs order by started_at")
    assert rows == [("gate_failed", 4, "run log"), ("build_failed", 3, "run log"), ("published", 0, "publish")]
    code, out, _ = run_cli("status", "--warehouse", str(published))
    assert code == cli.EXIT_OK and "Last refresh runs" in out and "gate_failed" in out


@pytest.mark.slow
def test_validate_runs_the_gates_on_the_published_file(faulty_refreshes: dict[str, object]) -> None:
    published: Path = faulty_refreshes["published"]  # type: ignore[assignment]
    before = sha256(published)  # (the refresh that published it ran the same gates with the default thresholds)
    code, out, _ = run_cli("validate", "--warehouse", str(published), "--as-of", END_DATE.isoformat(),
                           "--no-data-docs", "--max-reject-share", "0.001")
    assert code == cli.EXIT_QUALITY_GATE and "reject_accounting FAILED" in out
    assert "[source_table: " in out and "Reject accounting" in out  # failures name the raw tables
    assert sha256(published) == before
    assert not os.path.exists(wap.WarehouseFiles(published).candidate)
