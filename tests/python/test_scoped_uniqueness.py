"""The event tables' uniqueness tests, scoped to the rows written since the last run in which the
same test passed (batch_column: loaded_at; macro latest_batch_hash_filter and the on-run-end hook
record_validated_batches in macros/test_unique_hashed.sql).

On a copy of the session's clean warehouse (one full build: every row carries one stamp, and the
build's passing tests recorded that stamp in audit.dbt_validated_batches), rows are added the way a
faulty incremental run would leave them, and the two tests run: `unique` on
stg_segment__tracks.event_id and `unique_combination_of_columns` on int_product_events_daily.
* A duplicate brought in after the recorded stamp fails; two rows at or before it (which the
  recorded run saw pass) are outside the scope.
* A failed test records nothing, so a later run that brings clean rows still fails on the earlier
  duplicate (the scope is not just the latest stamp).
* Without a record every value is checked.
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
        if not node.unique_id.startswith("test."):
            continue  # the on-run-end hook
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


def add_clean_later_row(db: Path) -> None:
    """A later run's new, unique event (its id repeats nothing): the latest stamp now holds no duplicate."""
    with duckdb.connect(str(db)) as con:
        con.execute("insert into staging.base_segment__tracks select * replace ('zz-later-event' as event_id, "
                    "'zz-later-event' as source_row_key, 'zz-later-event' as dedup_key, "
                    "loaded_at + interval 2 hour as loaded_at) from staging.base_segment__tracks "
                    "where reject_reason is null order by event_id limit 1")


def test_scoped_uniqueness_fails_on_duplicates_since_the_last_pass(staged_clean: StagedBook, tmp_path: Path,
                                                                    project_dir: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(staged_clean.db, db)
    settings = dbt_ops.DbtSettings(project_dir=project_dir, db_path=db, target_path=tmp_path / "target",
                                   log_path=tmp_path / "logs")
    with duckdb.connect(str(db), read_only=True) as con:
        stamps = con.execute("select count(distinct loaded_at), max(loaded_at) from staging.base_segment__tracks"
                             ).fetchone()
        recorded = dict(con.execute("select model_name, max(validated_stamp) from audit.dbt_validated_batches "
                                    "group by 1").fetchall())
    assert stamps[0] == 1  # a full build stamps every row alike
    # the build's passing tests recorded its stamp (or a later run's) for both tables
    assert set(recorded) == {"stg_segment__tracks", "int_product_events_daily"}, recorded
    assert all(stamp >= stamps[1] for stamp in recorded.values()), (recorded, stamps)
    with duckdb.connect(str(db)) as con:  # exactly the build's stamp, whatever ran on the file since
        con.execute("update audit.dbt_validated_batches set validated_stamp = ?", [stamps[1]])

    add_rows(db)
    # The id repeated after the recorded stamp fails; the old pair is outside the scope.
    assert failing_rows(settings) == {"stg_segment__tracks": 1, "int_product_events_daily": 1}

    # A later run brings a clean row: the failed runs recorded nothing, so the earlier duplicate
    # is still in scope (scoping to the latest stamp alone would pass here).
    add_clean_later_row(db)
    assert failing_rows(settings) == {"stg_segment__tracks": 1, "int_product_events_daily": 1}

    with duckdb.connect(str(db)) as con:  # no record: every value is checked
        con.execute("delete from audit.dbt_validated_batches")
    assert failing_rows(settings)["stg_segment__tracks"] == 2
