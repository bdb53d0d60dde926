"""The demo-data generator: determinism, the file contract, scale flags, faults and a clean book."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from loyalty import faults as fault_spec
from loyalty.contract import FIVETRAN_OPEN_END, TABLES, table
from loyalty.generator import BookConfig, generate_book
from loyalty.generator.events import EVENTS, SEED_COLUMNS, seed_rows

REPO = Path(__file__).resolve().parents[2]
END = date(2026, 11, 24)
SUPPORTED = {"USD", "EUR", "GBP", "JPY", "KRW"}
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
SOFT_DELETABLE = ("salesforce.contact", "salesforce.case", "salesforce.task", "salesforce.opportunity")


# -- helpers -------------------------------------------------------------------------------------

def make(out: Path, **kw: object) -> tuple[Path, dict[str, int]]:
    args: dict[str, object] = {"seed": 7, "customers": 25, "months": 12, "end_date": END}
    args.update(kw)
    return out, generate_book(BookConfig(out_dir=out, **args))  # type: ignore[arg-type]


def read(book: Path, qualified: str) -> list[dict[str, str]]:
    t = table(qualified)
    with (book / t.schema / f"{t.name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def header(book: Path, qualified: str) -> str:
    t = table(qualified)
    with (book / t.schema / f"{t.name}.csv").open(encoding="utf-8") as fh:
        return fh.readline().rstrip("\n")


def ts(text: str) -> datetime:
    """ISO-8601 text (naive = UTC, or with an offset) -> naive UTC."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def files(book: Path) -> dict[str, bytes]:
    return {str(p.relative_to(book)): p.read_bytes() for p in sorted(book.rglob("*")) if p.is_file()}


def versions_by_id(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        out[r["id"]].append(r)
    return {k: sorted(v, key=lambda r: r["_fivetran_start"]) for k, v in out.items()}


# -- books (module-scoped: each is generated once) --------------------------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    return make(tmp_path_factory.mktemp("small"), formats=("csv", "parquet"))


@pytest.fixture(scope="module")
def small_again(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    return make(tmp_path_factory.mktemp("small_again"), formats=("csv", "parquet"), progress=lambda _m: None)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    return make(tmp_path_factory.mktemp("faulty"), customers=20, months=8, faults=True)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Big enough that every business behaviour shows up at least once."""
    return make(tmp_path_factory.mktemp("medium"), seed=11, customers=120, months=24, events_per_user_day=0.05)


# -- determinism -----------------------------------------------------------------------------------

def test_same_seed_and_args_give_identical_bytes(small, small_again) -> None:
    a, b = files(small[0]), files(small_again[0])
    assert sorted(a) == sorted(b)
    assert len(a) == 2 * len(TABLES)  # csv + parquet per table, no manifest without faults
    assert [name for name in a if a[name] != b[name]] == []


def test_different_seed_gives_different_books(small, tmp_path: Path) -> None:
    other, _ = make(tmp_path / "other", seed=8)
    for qualified in ("salesforce.account", "stripe.subscription_history", "segment.tracks"):
        t = table(qualified)
        rel = f"{t.schema}/{t.name}.csv"
        assert (small[0] / rel).read_bytes() != (other / rel).read_bytes(), rel


# -- file contract ---------------------------------------------------------------------------------

def test_every_table_written_with_contract_header(small) -> None:
    book, counts = small
    assert set(counts) == {t.qualified for t in TABLES}
    for t in TABLES:
        assert header(book, t.qualified) == ",".join(t.columns), t.qualified
        assert pq.read_schema(book / t.schema / f"{t.name}.parquet").names == list(t.columns), t.qualified


def test_returned_counts_match_csv_and_parquet_rows(small) -> None:
    book, counts = small
    for t in TABLES:
        assert len(read(book, t.qualified)) == counts[t.qualified], t.qualified
        assert pq.read_metadata(book / t.schema / f"{t.name}.parquet").num_rows == counts[t.qualified], t.qualified
    assert counts["segment.tracks"] > 1000
    assert counts["stripe.subscription_history"] > counts["stripe.customer"] > 0


def test_parquet_holds_the_same_values_as_csv(small) -> None:
    book, _ = small
    for qualified in ("stripe.subscription_item_history", "salesforce.account", "segment.tracks"):
        t = table(qualified)
        rows = read(book, qualified)[:200]
        pq_rows = pq.read_table(book / t.schema / f"{t.name}.parquet").slice(0, 200).to_pylist()

        def text(v: object) -> str:
            return "" if v is None else ("true" if v is True else "false" if v is False else str(v))

        assert [{k: text(v) for k, v in r.items()} for r in pq_rows] == rows, qualified


def test_value_formats(small) -> None:
    book, _ = small
    subs = read(book, "stripe.subscription_history")
    assert {r["_fivetran_active"] for r in subs} == {"true", "false"}
    assert all(len(r["_fivetran_start"]) == 19 and r["_fivetran_start"][10] == " " for r in subs)
    assert FIVETRAN_OPEN_END in {r["_fivetran_end"] for r in subs}
    for r in read(book, "stripe.customer"):
        if r["metadata"]:
            assert isinstance(json.loads(r["metadata"]), dict)
    for r in read(book, "stripe.invoice"):
        assert int(r["total"]) >= 0 and int(r["amount_paid"]) in (0, int(r["total"]))


# -- scale flags -----------------------------------------------------------------------------------

def test_customers_months_and_event_rate_change_sizes(small, tmp_path: Path) -> None:
    _, base = small
    _, fewer = make(tmp_path / "fewer", customers=10)
    _, shorter = make(tmp_path / "shorter", months=4)
    _, busier = make(tmp_path / "busier", events_per_user_day=1.6)
    assert fewer["salesforce.account"] < base["salesforce.account"]
    assert fewer["stripe.customer"] < base["stripe.customer"]
    assert fewer["segment.tracks"] < base["segment.tracks"]
    assert shorter["stripe.invoice"] < base["stripe.invoice"]
    assert shorter["segment.tracks"] < base["segment.tracks"]
    ratio = busier["segment.tracks"] / base["segment.tracks"]
    assert 3.0 < ratio < 5.0, ratio  # 4x the rate -> about 4x the events
    assert busier["stripe.subscription_history"] == base["stripe.subscription_history"]


def test_config_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        BookConfig(out_dir=tmp_path, formats=("xlsx",))
    with pytest.raises(ValueError):
        BookConfig(out_dir=tmp_path, customers=0)


# -- faults ----------------------------------------------------------------------------------------

def manifest(book: Path) -> list[dict[str, str]]:
    with (book / fault_spec.MANIFEST_PATH).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == fault_spec.MANIFEST_COLUMNS
        return list(reader)


def test_manifest_covers_every_fault_class_with_expected_outcome(faulty) -> None:
    rows = manifest(faulty[0])
    seen = {(r["fault_class"], r["table"]) for r in rows}
    assert seen == {(f.name, f.table) for f in fault_spec.FAULT_CLASSES}
    by_key = {(f.name, f.table): f for f in fault_spec.FAULT_CLASSES}
    for r in rows:
        fc = by_key[(r["fault_class"], r["table"])]
        assert (r["expected_outcome"], r["expected_reason"]) == (fc.outcome, fc.reason)
        assert (r["row_key"] == "") == (fc.name == "null_key")
        assert (r["expected_value"] != "") == (fc.name == "odd_utc_offset")


def test_manifest_row_keys_exist_in_the_files(faulty) -> None:
    book, _ = faulty
    rows = manifest(book)
    for qualified in sorted({r["table"] for r in rows}):
        t = table(qualified)
        data = read(book, qualified)
        keys = {f"{d['id']}@{d['_fivetran_start']}" if t.history_mode else d["id"] for d in data}
        expected = [r for r in rows if r["table"] == qualified]
        for r in expected:
            if r["fault_class"] != "null_key":
                assert r["row_key"] in keys, (qualified, r["row_key"])
        nulls = sum(1 for r in expected if r["fault_class"] == "null_key")
        assert sum(1 for d in data if d["id"] == "") == nulls, qualified


def test_fault_rows_are_exactly_the_fault(faulty) -> None:
    book, _ = faulty
    rows = manifest(book)

    def keys(name: str, qualified: str) -> list[str]:
        return [r["row_key"] for r in rows if r["fault_class"] == name and r["table"] == qualified]

    tracks = read(book, "segment.tracks")
    by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in tracks:
        by_id[r["id"]].append(r)
    for k in keys("duplicate_delivery", "segment.tracks"):
        copies = by_id[k]
        assert 2 <= len(copies) <= 3 and all(c == copies[0] for c in copies)
    repeated = {k for k, v in by_id.items() if len(v) > 1 and k}
    assert repeated == set(keys("duplicate_delivery", "segment.tracks"))
    for k in keys("future_timestamp", "segment.tracks"):
        (r,) = by_id[k]
        assert ts(r["timestamp"]) > ts(r["received_at"]) + timedelta(days=2)
    for k in keys("epoch_timestamp", "segment.tracks"):
        (r,) = by_id[k]
        assert r["timestamp"].startswith("1970-01-0") and ts(r["received_at"]).year >= 2020
    for r in (m for m in rows if m["fault_class"] == "odd_utc_offset"):
        (t,) = by_id[r["row_key"]]
        assert t["timestamp"][-6:] in ("+05:45", "-09:30", "+13:00")
        assert ts(t["timestamp"]) == datetime.fromisoformat(r["expected_value"])
        assert ts(t["timestamp"]) <= ts(t["received_at"])

    items = read(book, "stripe.subscription_item_history")
    for k in keys("negative_quantity", "stripe.subscription_item_history"):
        item_id, start = k.split("@")
        versions = [r for r in items if r["id"] == item_id]
        assert len(versions) == 1 and versions[0]["_fivetran_start"] == start
        assert int(versions[0]["quantity"]) < 0 and versions[0]["_fivetran_end"] == FIVETRAN_OPEN_END

    subs = versions_by_id(read(book, "stripe.subscription_history"))
    customers = {r["id"] for r in read(book, "stripe.customer")}
    for k in keys("orphan_billing_customer", "stripe.subscription_history"):
        (v,) = subs[k.split("@")[0]]
        assert v["customer_id"] not in customers and v["status"] == "active"
    for k in keys("overlapping_versions", "stripe.subscription_history"):
        sub_id, start = k.split("@")
        vs = subs[sub_id]
        i = next(i for i, v in enumerate(vs) if v["_fivetran_start"] == start)
        assert vs[i]["_fivetran_end"] > vs[i + 1]["_fivetran_start"]

    prices = {r["id"]: r for r in read(book, "stripe.price")}
    for k in keys("unknown_currency", "stripe.price"):
        assert prices[k]["currency"].upper() not in SUPPORTED
    customer_rows = {r["id"]: r for r in read(book, "stripe.customer")}
    for k in keys("malformed_metadata", "stripe.customer"):
        text = customer_rows[k]["metadata"]
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        assert not (isinstance(parsed, dict) and parsed.get("salesforce_account_id"))

    persons = {r["id"] for r in read(book, "delighted.person")}
    responses = {r["id"]: r for r in read(book, "delighted.survey_response")}
    for k in keys("orphan_survey_person", "delighted.survey_response"):
        r = responses[k]
        assert r["person_id"] not in persons
        lo, hi = SCALES[r["survey_type"]]
        assert lo <= int(r["score"]) <= hi
    for k in keys("out_of_scale_score", "delighted.survey_response"):
        r = responses[k]
        lo, hi = SCALES[r["survey_type"]]
        assert not lo <= int(r["score"]) <= hi and r["person_id"] in persons

    for qualified in ("salesforce.contact", "salesforce.case"):
        data = {r["id"]: r for r in read(book, qualified)}
        for k in keys("soft_deleted", qualified):
            assert data[k]["is_deleted"] == "true"
        assert sum(r["is_deleted"] == "true" for r in data.values()) == len(keys("soft_deleted", qualified))


def test_faults_only_add_to_the_clean_book(faulty, tmp_path: Path) -> None:
    """The clean rows do not move: a faulty book is the clean book plus (or with a few edited) rows."""
    clean, counts = make(tmp_path / "clean", customers=20, months=8)
    _, faulty_counts = faulty
    for qualified in ("salesforce.account", "salesforce.opportunity", "salesforce.task", "segment.users",
                      "segment.groups", "stripe.product", "stripe.coupon", "stripe.subscription_discount"):
        assert faulty_counts[qualified] == counts[qualified], qualified
    assert read(clean, "salesforce.account") == read(faulty[0], "salesforce.account")
    assert faulty_counts["segment.tracks"] > counts["segment.tracks"]


# -- a clean book ---------------------------------------------------------------------------------

def test_clean_book_has_unique_non_null_ids(medium) -> None:
    book, _ = medium
    assert not (book / fault_spec.MANIFEST_PATH).exists()
    for t in TABLES:
        if t.history_mode:
            continue
        ids = [r["id"] for r in read(book, t.qualified)]
        assert all(i.strip() for i in ids), t.qualified
        assert len(ids) == len(set(ids)), t.qualified


def test_clean_history_versions_chain_without_gaps_or_overlaps(medium) -> None:
    book, _ = medium
    for qualified in ("stripe.subscription_history", "stripe.subscription_item_history"):
        for key, vs in versions_by_id(read(book, qualified)).items():
            starts = [v["_fivetran_start"] for v in vs]
            assert len(starts) == len(set(starts)), key
            for a, b in zip(vs, vs[1:]):
                assert a["_fivetran_end"] == b["_fivetran_start"], key
                assert a["_fivetran_active"] == "false"
            for v in vs:
                assert v["_fivetran_start"] < v["_fivetran_end"], key
            last = vs[-1]
            deleted = last.get("_fivetran_deleted") == "true"
            assert (last["_fivetran_end"] == FIVETRAN_OPEN_END) == (not deleted), key
            assert last["_fivetran_active"] == ("false" if deleted else "true"), key
            assert all(v.get("_fivetran_deleted", "false") == "false" for v in vs[:-1]), key


def test_clean_book_has_nothing_staging_would_reject(medium) -> None:
    book, _ = medium
    horizon = datetime(END.year, END.month, END.day) + timedelta(days=1)
    for r in read(book, "segment.tracks"):
        event_at, received = ts(r["timestamp"]), ts(r["received_at"])
        assert datetime(2000, 1, 1) <= event_at <= received <= horizon
        assert r["timestamp"] == r["original_timestamp"]
    for qualified in SOFT_DELETABLE:
        assert {r["is_deleted"] for r in read(book, qualified)} == {"false"}, qualified
    assert all(r["currency"].upper() in SUPPORTED for r in read(book, "stripe.price"))
    assert all(int(r["quantity"]) >= 0 for r in read(book, "stripe.subscription_item_history"))
    persons = {r["id"] for r in read(book, "delighted.person")}
    for r in read(book, "delighted.survey_response"):
        lo, hi = SCALES[r["survey_type"]]
        assert lo <= int(r["score"]) <= hi and r["person_id"] in persons
        assert r["created_at"] <= r["updated_at"] <= r["_fivetran_synced"]
    assert {r["status"] for r in read(book, "stripe.invoice")} <= {"draft", "open", "paid", "void", "uncollectible"}
    assert {r["duration"] for r in read(book, "stripe.coupon")} == {"once", "repeating", "forever"}
    customers = {r["id"] for r in read(book, "stripe.customer")}
    assert {r["customer_id"] for r in read(book, "stripe.subscription_history")} <= customers


def test_clean_book_shows_the_business_behaviours(medium) -> None:
    book, _ = medium
    subs = versions_by_id(read(book, "stripe.subscription_history"))
    def path(vs: list[dict[str, str]]) -> str:
        statuses = [v["status"] for v in vs]
        return " > ".join(s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1])

    flat = {path(vs) for vs in subs.values()}
    assert any("trialing > active" in p for p in flat)
    assert any(p == "trialing > canceled" for p in flat)
    assert any("past_due > active" in p for p in flat)
    assert any("past_due > unpaid > canceled" in p for p in flat)
    assert any(v["cancel_at_period_end"] == "true" for vs in subs.values() for v in vs)
    per_customer = Counter(vs[-1]["customer_id"] for vs in subs.values())
    assert max(per_customer.values()) >= 2  # several subscriptions (win-backs, add-ons)

    prices = {r["id"]: r for r in read(book, "stripe.price")}
    intervals = {(prices[r["price_id"]]["recurring_interval"], prices[r["price_id"]]["recurring_interval_count"])
                 for r in read(book, "stripe.subscription_item_history")}
    assert {("month", "1"), ("month", "3"), ("year", "1"), ("week", "1")} <= intervals
    assert {p["currency"] for p in prices.values()} == {"usd", "eur", "gbp", "jpy"}
    item_qty = versions_by_id(read(book, "stripe.subscription_item_history"))
    assert any(len({v["quantity"] for v in vs}) > 1 for vs in item_qty.values())  # seats change
    assert any(vs[-1]["_fivetran_deleted"] == "true" for vs in item_qty.values())

    coupons = {r["id"]: r for r in read(book, "stripe.coupon")}
    used = {coupons[r["coupon_id"]]["duration"] for r in read(book, "stripe.subscription_discount")}
    assert used == {"once", "repeating", "forever"}

    accounts = {r["id"]: r for r in read(book, "salesforce.account")}
    merged = [a for a in accounts.values() if a["master_record_id"]]
    assert merged and all(a["is_deleted"] == "true" and a["master_record_id"] in accounts for a in merged)

    def depth(a: dict[str, str]) -> int:
        return 0 if not a["parent_id"] else 1 + depth(accounts[a["parent_id"]])

    assert max(depth(a) for a in accounts.values()) == 2  # three levels
    assert {a["account_source"] for a in accounts.values()} >= {"Inbound", "Outbound", "Partner", "Paid Search",
                                                                  "Event", "Referral"}
    links = [json.loads(r["metadata"]).get("salesforce_account_id") if r["metadata"] else None
             for r in read(book, "stripe.customer")]
    assert any(link in {a["id"] for a in merged} for link in links)
    assert any(link is None for link in links)

    opps = read(book, "salesforce.opportunity")
    assert {o["type"] for o in opps} == {"New Business", "Renewal", "Upsell", "Cross-sell"}
    assert {o["is_closed"] for o in opps} == {"true", "false"}
    assert {t["type"] for t in read(book, "salesforce.task")} == {"Call", "Meeting", "Email", "QBR", "Other"}
    assert {r["survey_type"] for r in read(book, "delighted.survey_response")} == {"nps", "csat", "ces"}
    contacts = {r["email"] for r in read(book, "salesforce.contact")}
    person_emails = [r["email"] for r in read(book, "delighted.person")]
    assert sum(e.strip().lower() in contacts for e in person_emails) > 0.6 * len(person_emails)
    assert any(e != e.strip().lower() and e.strip().lower() in contacts for e in person_emails)
    groups = {r["group_id"] for r in read(book, "segment.groups")}
    assert groups <= set(accounts) and groups & {a["id"] for a in merged}


def test_events_come_from_the_catalogue_with_weekday_rhythm(small) -> None:
    book, _ = small
    tracks = read(book, "segment.tracks")
    names = {e.name: e.text for e in EVENTS}
    assert {r["event"] for r in tracks} <= set(names)
    assert all(r["event_text"] == names[r["event"]] for r in tracks)
    weekday = Counter(ts(r["timestamp"]).weekday() for r in tracks)
    assert min(weekday[d] for d in range(5)) > 3 * max(weekday[5], weekday[6])
    assert 0 < sum(1 for r in tracks if not r["user_id"]) < 0.05 * len(tracks)


# -- seeds -----------------------------------------------------------------------------------------

def test_event_catalogue_seed_matches_the_generator() -> None:
    with (REPO / "seeds/reference/product_event_catalogue.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == SEED_COLUMNS
    assert [tuple(r) for r in rows[1:]] == seed_rows()
    assert 15 <= len(rows) - 1 <= 25


def test_fx_seed_is_reproduced_by_its_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_fx_seed", REPO / "scripts/make_fx_seed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "fx.csv"
    rows = module.write_seed(out)
    committed = REPO / "seeds/reference/fx_rates_daily.csv"
    assert out.read_bytes() == committed.read_bytes()
    days = (date(2028, 12, 31) - date(2019, 1, 1)).days + 1
    assert rows == 4 * days
    with committed.open(newline="", encoding="utf-8") as fh:
        data = list(csv.DictReader(fh))
    levels = {"EUR": (0.9, 1.3), "GBP": (1.0, 1.5), "JPY": (0.005, 0.009), "KRW": (0.0006, 0.0009)}
    for r in data:
        lo, hi = levels[r["currency_code"]]
        assert lo < float(r["rate_to_usd"]) < hi
    assert data[0]["rate_date"] == "2019-01-01" and data[-1]["rate_date"] == "2028-12-31"
