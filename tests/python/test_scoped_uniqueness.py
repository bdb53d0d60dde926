"""The event tables' uniqueness tests, scoped to the latest run's rows (batch_column: loaded_at;
macro latest_batch_hash_filter in macros/test_unique_hashed.sql).

On a copy of the session's clean warehouse (one full build: every row carries one stamp), rows
are added the way a faulty incremental run would leave them, and the two tests run:
`unique` on stg_segment__tracks.event_id and `unique_combination_of_columns` on
int_product_events_daily. A duplicate brought in by the latest stamp must fail the test; two old
rows repeating each other are outside the scope (a refresh whose tests fail is never published);
with a single stamp, as after a full build, every value is checked again.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import END_DATE, StagedBook

from loyalty import dbt_ops

pytestmark = pytest.mark.slow

SELECTION = ["stg_segment__tracks,test_name:unique", "int_product_events_daily,test_name:unique_combination_of_columns"]


def failing_rows(settings: dbt_ops.DbtSettings) -> dict[str, int]:
    """Run the two tests; per test model, how many rows it returned (0 = passed)."""
    args = ["test", "--select", *SELECTION, "--threads", "2", "--vars", json.dumps({"as_of_date": END_DATE.isoformat()})]
    outcome = dbt_ops.run(settings, args)
    assert not outcome.exceptions, outcome.exceptions
    counts: dict[str, int] = {}
    for node in outcome.nodes:
        model = "stg_segment__tracks" if "stg_segment__tracks" in node.unique_id else "int_product_events_daily"
        found = re.search(r"Got (\d+) result", node.message)
        assert node.status in ("pass", "fail"), (node.unique_id, node.status, node.message)
        counts[model] = int(found.group(1)) if found else 0
    assert set(counts) == {"stg_segment__tracks", "int_product_events_daily"}, outcome.nodes
    return counts


def add_rows(db: Path) -> tuple[str, str]:
    """One accepted event re-inserted with a later stamp (a new batch repeating an old id), one
    re-inserted with its own old stamp (two old rows), and one product-event day row re-inserted with
    a later stamp. Returns the two event ids."""
    with duckdb.connect(str(db)) as con:
        ids = [row[0] for row in con.execute(
            "select event_id from staging.base_segment__tracks where reject_reason is null "
            "order by event_id limit 2").fetchall()]
        assert len(ids) == 2
        con.execute("insert into staging.base_segment__tracks select * replace "
                    "(loaded_at + interval 1 hour as loaded_at) from staging.base_segment__tracks where event_id = ?",
                    [ids[0]])
        con.execute("insert into staging.base_segment__tracks select * from staging.base_segment__tracks "
                    "where event_id = ?", [ids[1]])
        con.execute("insert into intermediate.int_product_events_daily select * replace "
                    "(loaded_at + interval 1 hour as loaded_at) from intermediate.int_product_events_daily "
                    "order by customer_id, user_id, date_day, event_name limit 1")
    return ids[0], ids[1]


def test_scoped_uniqueness_fails_on_the_latest_runs_duplicates(staged_clean: StagedBook, tmp_path: Path,
                                                                  project_dir: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(staged_clean.db, db)
    settings = dbt_ops.DbtSettings(project_dir=project_dir, db_path=db, target_path=tmp_path / "target",
                                   log_path=tmp_path / "logs")
    with duckdb.connect(str(db), read_only=True) as con:
        stamps = con.execute("select count(distinct loaded_at) from staging.base_segment__tracks").fetchone()[0]
    assert stamps == 1  # a full build stamps every row alike

    add_rows(db)
    # The id repeated by the later stamp fails; the old pair is outside the scope.
    assert failing_rows(settings) == {"stg_segment__tracks": 1, "int_product_events_daily": 1}

    with duckdb.connect(str(db)) as con:  # one stamp again, as after a full build: every value is checked
        con.execute("update staging.base_segment__tracks set loaded_at = (select min(loaded_at) "
                    "from staging.base_segment__tracks)")
    assert failing_rows(settings)["stg_segment__tracks"] == 2
