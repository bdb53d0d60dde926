"""Generated books through the loader and `dbt build --select staging` (in-process):
every raw row is accounted for, a clean book loses nothing, and every injected fault
ends as loyalty.faults says it must."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from conftest import StagedBook

from loyalty import faults as fault_spec
from loyalty.contract import TABLES

pytestmark = pytest.mark.slow

# The staged model of a raw table and the expression giving a staged row its source_row_key.
HISTORY_KEY = "{id} || '@' || strftime(version_start_at, '%Y-%m-%d %H:%M:%S')"
STAGED_KEY: dict[str, tuple[str, str]] = {
    "salesforce.contact": ("stg_salesforce__contacts", "contact_id"),
    "salesforce.case": ("stg_salesforce__cases", "case_id"),
    "stripe.customer": ("stg_stripe__customers", "customer_id"),
    "stripe.price": ("stg_stripe__prices", "price_id"),
    "stripe.invoice": ("stg_stripe__invoices", "invoice_id"),
    "stripe.subscription_history": ("stg_stripe__subscription_versions",
                                    HISTORY_KEY.format(id="subscription_id")),
    "stripe.subscription_item_history": ("stg_stripe__subscription_item_versions",
                                         HISTORY_KEY.format(id="subscription_item_id")),
    "segment.tracks": ("stg_segment__tracks", "event_id"),
    "delighted.survey_response": ("stg_delighted__survey_responses", "response_id"),
}


def rejects_sql(source_table: str) -> str:
    return f"select * from staging.stg_{source_table.split('.')[0]}__rejects where source_table = ?"


def staged_rows(staged: StagedBook, source_table: str, row_key: str, columns: str = "1") -> list[tuple[object, ...]]:
    model, key = STAGED_KEY[source_table]
    return staged.query(f"select {columns} from staging.{model} where {key} = ?", [row_key])


def rejected_reasons(staged: StagedBook, source_table: str, row_key: str) -> list[object]:
    rows = staged.query(f"select reject_reason from ({rejects_sql(source_table)}) where source_row_key = ?",
                        [source_table, row_key])
    return [r[0] for r in rows]


def accounting(staged: StagedBook) -> dict[str, tuple[int, ...]]:
    rows = staged.query("select source_table, raw_rows, staged_rows, rejected_rows, duplicate_rows "
                        "from staging.stg_raw_row_accounting")
    return {str(r[0]): tuple(int(v) for v in r[1:]) for r in rows}  # type: ignore[call-overload]


# -- the build -----------------------------------------------------------------------------------

@pytest.mark.parametrize("book", ["staged_faulty", "staged_clean"])
def test_staging_build_succeeds(book: str, request: pytest.FixtureRequest) -> None:
    staged: StagedBook = request.getfixturevalue(book)
    outcome = staged.outcome
    errors = [f"{n.unique_id}: {n.message}" for n in outcome.nodes if n.bucket == "error"]
    assert outcome.success, (outcome.exceptions, errors)
    assert outcome.commands[-1].startswith("build")
    # the full build covers seeds, staging, the revenue marts and their unit tests
    ran = {n.unique_id.split(".")[0] for n in outcome.nodes}
    assert {"seed", "model", "test", "unit_test"} <= ran, ran
    assert any(n.unique_id.endswith(".fct_mrr_bridge") for n in outcome.nodes)
    assert outcome.tally["error"] == 0 and outcome.tally["skip"] == 0
    assert staged.loaded == staged.written


@pytest.mark.parametrize("book", ["staged_faulty", "staged_clean"])
def test_every_raw_row_is_staged_or_rejected(book: str, request: pytest.FixtureRequest) -> None:
    staged: StagedBook = request.getfixturevalue(book)
    counts = accounting(staged)
    assert set(counts) == {t.qualified for t in TABLES}
    for source_table, (raw, stg, rejected, _duplicates) in counts.items():
        assert raw == staged.loaded[source_table], source_table
        assert raw == stg + rejected, f"{source_table}: raw {raw} != staged {stg} + rejected {rejected}"


def test_clean_book_has_no_rejected_rows(staged_clean: StagedBook) -> None:
    counts = accounting(staged_clean)
    assert {t: c[2] for t, c in counts.items() if c[2]} == {}
    assert all(raw == stg for raw, stg, *_ in counts.values())


# -- the faulty book: every manifest entry ended as expected --------------------------------------

def test_manifest_covers_every_fault_class(staged_faulty: StagedBook) -> None:
    injected = {(m["fault_class"], m["table"]) for m in staged_faulty.manifest()}
    expected = {(f.name, f.table) for f in fault_spec.FAULT_CLASSES}
    assert expected <= injected, f"not injected: {sorted(expected - injected)}"
    for entry in staged_faulty.manifest():
        spec = [f for f in fault_spec.FAULT_CLASSES if (f.name, f.table) == (entry["fault_class"], entry["table"])]
        assert spec and spec[0].outcome == entry["expected_outcome"], entry
        assert spec[0].reason == entry["expected_reason"], entry


def test_rejected_faults_carry_the_expected_reason(staged_faulty: StagedBook) -> None:
    entries = [m for m in staged_faulty.manifest() if m["expected_outcome"] == "rejected"
               and m["fault_class"] not in ("null_key", "duplicate_delivery")]
    assert entries
    wrong = {}
    for m in entries:
        reasons = rejected_reasons(staged_faulty, m["table"], m["row_key"])
        if m["expected_reason"] not in reasons:
            wrong[(m["table"], m["row_key"], m["fault_class"])] = reasons or "not rejected"
        if m["table"] in STAGED_KEY and staged_rows(staged_faulty, m["table"], m["row_key"]):
            wrong[(m["table"], m["row_key"], m["fault_class"])] = "also staged"
    assert wrong == {}


def test_null_keys_are_rejected_one_for_one(staged_faulty: StagedBook) -> None:
    manifest = Counter(m["table"] for m in staged_faulty.manifest() if m["fault_class"] == "null_key")
    assert manifest
    rejected = {}
    for source_table in manifest:
        rows = staged_faulty.query(f"select count(*) from ({rejects_sql(source_table)}) "
                                   "where reject_reason = 'null_key'", [source_table])
        rejected[source_table] = int(rows[0][0])  # type: ignore[call-overload]
    assert rejected == dict(manifest)


def test_duplicate_deliveries_keep_exactly_one_copy(staged_faulty: StagedBook) -> None:
    keys = {m["row_key"] for m in staged_faulty.manifest() if m["fault_class"] == "duplicate_delivery"}
    assert keys
    for key in keys:
        raw = staged_faulty.query("select count(*) from segment.tracks where id = ?", [key])[0][0]
        assert raw >= 2, key  # type: ignore[operator]
        assert len(staged_rows(staged_faulty, "segment.tracks", key)) == 1, key
        assert rejected_reasons(staged_faulty, "segment.tracks", key) == ["duplicate"] * (raw - 1)  # type: ignore[operator]


def test_normalised_faults_are_staged_with_the_expected_value(staged_faulty: StagedBook) -> None:
    entries = [m for m in staged_faulty.manifest() if m["expected_outcome"] == "normalised"]
    assert entries
    checks = {
        "odd_utc_offset": ("strftime(event_at, '%Y-%m-%d %H:%M:%S')", lambda m, v: v == m["expected_value"]),
        "malformed_metadata": ("salesforce_account_id", lambda m, v: v is None),
        "overlapping_versions": ("is_overlapping_version", lambda m, v: v is True),
        "orphan_billing_customer": ("customer_id", lambda m, v: v is not None),
    }
    wrong: dict[tuple[str, str, str], object] = defaultdict(list)
    for m in entries:
        column, ok = checks.get(m["fault_class"], ("1", lambda m, v: True))
        found = staged_rows(staged_faulty, m["table"], m["row_key"], column)
        where = (m["table"], m["row_key"], m["fault_class"])
        if len(found) != 1:
            wrong[where] = f"{len(found)} staged rows"
        elif not ok(m, found[0][0]):
            wrong[where] = f"{column} = {found[0][0]!r}, expected {m['expected_value'] or m['fault_class']}"
        if rejected_reasons(staged_faulty, m["table"], m["row_key"]):
            wrong[where] = "also rejected"
    assert dict(wrong) == {}


def test_orphan_billing_customer_is_not_a_known_customer(staged_faulty: StagedBook) -> None:
    keys = [m["row_key"] for m in staged_faulty.manifest() if m["fault_class"] == "orphan_billing_customer"]
    assert keys
    for key in keys:
        (customer,), = staged_rows(staged_faulty, "stripe.subscription_history", key, "customer_id")
        assert staged_faulty.query("select count(*) from staging.stg_stripe__customers where customer_id = ?",
                                   [customer]) == [(0,)]
