"""The `loyalty` CLI: help, exit codes, and each command on tiny inputs."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import END_DATE, StagedBook, environment, query

from loyalty import cli, dbt_ops
from loyalty.contract import TABLES
from loyalty.progress import Reporter


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), reporter=Reporter(out=out, err=err, fancy=False))
    return code, out.getvalue(), err.getvalue()


# -- help and argument errors --------------------------------------------------------------------

def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for command in ("demo", "generate", "load", "build", "status"):
        assert command in text
    assert "Exit codes" in text


@pytest.mark.parametrize("command, flags", [
    ("generate", ("--out", "--seed", "--customers", "--months", "--end-date", "--faults", "--format",
                  "--events-per-user-day")),
    ("load", ("--from", "--db")),
    ("build", ("--select", "--full-refresh", "--as-of", "--threads", "--db")),
    ("demo", ("--db",)),
    ("status", ("--db",)),
])
def test_command_help_names_its_flags(command: str, flags: tuple[str, ...],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert all(flag in text for flag in flags)


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["load"],  # --from is required
    ["generate", "--customers", "0"],
    ["generate", "--format", "xlsx"],
    ["generate", "--end-date", "2026-02-30"],
    ["build", "--as-of", "yesterday"],
    ["build", "--threads", "0"],
])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == cli.EXIT_BAD_INPUT
    assert "usage: loyalty" in capsys.readouterr().err


def test_exit_codes_are_distinct_constants() -> None:
    assert (cli.EXIT_OK, cli.EXIT_BAD_INPUT, cli.EXIT_BUILD_FAILED, cli.EXIT_QUALITY_GATE) == (0, 2, 3, 4)


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "loyalty"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "usage: loyalty" in done.stdout


# -- load / status -------------------------------------------------------------------------------

def test_load_of_a_missing_folder_exits_2_naming_it(tmp_path: Path) -> None:
    code, _, err = run_cli("load", "--from", str(tmp_path / "nope"), "--db", str(tmp_path / "wh.duckdb"))
    assert code == cli.EXIT_BAD_INPUT
    assert str(tmp_path / "nope") in err


def test_load_of_a_book_breaking_the_contract_exits_2(tiny_book: Path, tmp_path: Path) -> None:
    (tiny_book / "stripe" / "coupon.csv").unlink()
    code, _, err = run_cli("load", "--from", str(tiny_book), "--db", str(tmp_path / "wh.duckdb"))
    assert code == cli.EXIT_BAD_INPUT
    assert "coupon.csv" in err


def test_load_then_status(tiny_book: Path, tmp_path: Path) -> None:
    db = tmp_path / "sub" / "wh.duckdb"  # parent folder created on demand
    code, out, _ = run_cli("load", "--from", str(tiny_book), "--db", str(db))
    assert code == cli.EXIT_OK
    assert f"loaded {len(TABLES)} tables" in out and "salesforce.account" in out
    code, out, _ = run_cli("status", "--db", str(db))
    assert code == cli.EXIT_OK
    assert str(db) in out and "survey_response" in out and "table" in out


def test_load_defaults_to_dbt_duckdb_path(tiny_book: Path, isolated_dbt_env: Path) -> None:
    code, _, _ = run_cli("load", "--from", str(tiny_book))
    assert code == cli.EXIT_OK
    assert query(isolated_dbt_env / "env_default.duckdb", "select count(*) from stripe.customer") == [(2,)]


def test_status_without_a_warehouse_exits_2(tmp_path: Path) -> None:
    code, _, err = run_cli("status", "--db", str(tmp_path / "none.duckdb"))
    assert code == cli.EXIT_BAD_INPUT
    assert "no warehouse" in err


# -- generate ------------------------------------------------------------------------------------

def test_generate_writes_a_book(tmp_path: Path) -> None:
    out = tmp_path / "book"
    code, text, _ = run_cli("generate", "--out", str(out), "--customers", "3", "--months", "2",
                            "--end-date", END_DATE.isoformat(), "--format", "both", "--faults")
    assert code == cli.EXIT_OK
    for t in TABLES:
        assert (out / t.schema / f"{t.name}.csv").is_file() and (out / t.schema / f"{t.name}.parquet").is_file()
    assert (out / "_faults" / "manifest.csv").is_file()
    assert f"wrote {len(TABLES)} tables" in text


# -- build (dbt in-process) ----------------------------------------------------------------------

def test_build_commands_seed_first_when_selected() -> None:
    options = dbt_ops.BuildOptions(select=("staging",), as_of=date(2026, 1, 31), threads=3, full_refresh=True)
    seed, build = dbt_ops.build_commands(options)
    assert seed[0] == "seed" and build[0] == "build"
    assert build[build.index("--select") + 1] == "staging"
    assert "--vars" not in build  # the date goes in LOYALTY_AS_OF_DATE (next test)
    assert "--full-refresh" in seed and "--full-refresh" in build
    assert build[build.index("--threads") + 1] == "3"
    assert dbt_ops.build_commands(dbt_ops.BuildOptions()) == [["build"]]


@pytest.mark.slow
def test_as_of_reaches_dbt_in_the_environment_and_keeps_partial_parsing(
        tmp_path: Path, staged_clean: StagedBook, project_dir: Path) -> None:
    """A daily run moves the date: in --vars that makes dbt re-parse the project; in
    LOYALTY_AS_OF_DATE (read while nodes compile) it does not, and each run still gets its date."""
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(staged_clean.db, db)
    settings = dbt_ops.DbtSettings(project_dir=project_dir, db_path=db, target_path=tmp_path / "target",
                                   log_path=tmp_path / "logs")
    snapshots = []
    for as_of in (date(2026, 9, 15), date(2026, 10, 20)):
        outcome = dbt_ops.run(settings, ["run", "--select", "int_revenue_months"], as_of=as_of)
        assert outcome.success, outcome.exceptions
        assert dbt_ops.AS_OF_ENV_VAR not in os.environ  # restored after the run
        snapshots.append(query(db, "select max(month), max(snapshot_at) from intermediate.int_revenue_months")[0])
    assert snapshots == [(date(2026, 9, 1), datetime(2026, 9, 16)), (date(2026, 10, 1), datetime(2026, 10, 21))]
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert log.count("Running with dbt") == 2
    assert log.count("Unable to do partial parsing") == 1  # the first run only: no saved parse yet
    # and the second re-parses no file (an env_var read while parsing re-parses every file using it)
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed." in log
    # a bad date is a compilation error that names where it came from
    with environment({dbt_ops.AS_OF_ENV_VAR: "2026-13"}):
        bad = dbt_ops.run(settings, ["run", "--select", "int_revenue_months"])
    assert not bad.success
    assert "LOYALTY_AS_OF_DATE='2026-13' is not a date (YYYY-MM-DD)" in " ".join(n.message for n in bad.nodes)


def test_outcome_tally_buckets() -> None:
    outcome = dbt_ops.Outcome(nodes=[dbt_ops.NodeResult(f"model.p.m{i}", s, "") for i, s in
                                     enumerate(["success", "pass", "warn", "fail", "error", "skipped"])])
    assert outcome.tally == {"pass": 2, "warn": 1, "error": 2, "skip": 1}


def test_failed_build_exits_3(isolated_dbt_env: Path) -> None:
    """An empty warehouse: the staging view cannot bind its raw table, so dbt fails."""
    db = isolated_dbt_env / "empty.duckdb"
    code, out, err = run_cli("build", "--select", "stg_stripe__products", "--db", str(db))
    assert code == cli.EXIT_BUILD_FAILED
    assert "error" in out and "dbt failed" in err
    # dbt logged where the environment told it to, not into the project's logs/
    assert (isolated_dbt_env / "dbt_logs" / "dbt.log").is_file()
