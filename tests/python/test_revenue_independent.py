"""The revenue spine end to end on a small generated book, checked against an independent,
plainly written computation of METRICS.md over the raw CSV files.

For every complete month, fct_mrr_bridge's closing_mrr must equal the sum of every
contract's MRR computed here (to the cent) and customers_closing the number of customers
with MRR > 0 (customer resolution done here too). The shared session books (conftest's
`staged_clean` / `staged_faulty`, loaded and built with a full in-process `dbt build`) are
reused; this module runs no dbt itself. The independent computation reads raw
rows as they are, so it is compared on the clean book only (staging rejects some faulty
rows, e.g. negative quantities); the faulty book must still build with every revenue
data test passing and its orphan contracts kept as unmapped revenue.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import END_DATE, StagedBook

pytestmark = pytest.mark.slow

ZERO_DECIMAL = {"JPY", "KRW"}
COUNTED_STATUSES = {"active", "past_due"}
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59)


# -- the dbt side ----------------------------------------------------------------------------------
# conftest's session books are built with a full `dbt build` (in-process, as_of_date = END_DATE):
# this module runs no dbt of its own.

def built_revenue(staged: StagedBook) -> StagedBook:
    built = {n.unique_id.split(".")[-1]: n.bucket for n in staged.outcome.nodes}
    assert built.get("fct_mrr_bridge") == "pass", "the session build did not build the revenue marts"
    return staged


@pytest.fixture(scope="module")
def revenue_clean(staged_clean: StagedBook) -> StagedBook:
    return built_revenue(staged_clean)


# -- the independent computation (METRICS.md, written plainly) ---------------------------------------

def read(book: Path, schema: str, table: str) -> list[dict[str, str]]:
    with (book / schema / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def instant(text: str) -> datetime | None:
    """ISO-8601 text (naive = UTC, or with an offset) -> naive UTC; '' -> None."""
    text = text.strip()
    if not text:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def months_in_one_interval(interval: str, count: int) -> float:
    return {"day": count * 12 / 365.25, "week": count * 12 / 52, "month": count, "year": 12 * count}[interval]


class Fx:
    """USD per unit: the latest rate on or before a day, else the earliest; USD is 1."""

    def __init__(self, seed_csv: Path) -> None:
        self.rates: dict[str, list[tuple[date, float]]] = defaultdict(list)
        with seed_csv.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                self.rates[row["currency_code"].strip().upper()].append(
                    (date.fromisoformat(row["rate_date"]), float(row["rate_to_usd"])))
        for series in self.rates.values():
            series.sort()

    def rate(self, currency: str, day: date) -> float:
        currency = currency.strip().upper()
        if currency == "USD":
            return 1.0
        series = self.rates[currency]
        on_or_before = [rate for rate_day, rate in series if rate_day <= day]
        return on_or_before[-1] if on_or_before else series[0][1]


def in_force(rows: list[dict[str, object]], t: datetime) -> dict[str, object] | None:
    """The version with start < t <= end; on overlap the latest start wins."""
    live = [r for r in rows if r["start"] < t <= r["end"]]  # type: ignore[operator]
    return max(live, key=lambda r: r["start"]) if live else None  # type: ignore[arg-type, return-value]


@dataclass
class Book:
    subscriptions: dict[str, list[dict[str, object]]]
    items: dict[str, dict[str, list[dict[str, object]]]]  # subscription -> item -> versions
    prices: dict[str, dict[str, str]]
    coupons: dict[str, dict[str, str]]
    discounts: dict[str, list[dict[str, str]]]
    fx: Fx
    contract_customer: dict[str, str]


def top_account(account_id: str, accounts: dict[str, dict[str, str]]) -> str:
    """Follow the merge (master) when it names an account, else the parent, to the top; a
    cycle resolves to its smallest account id."""
    path = [account_id]
    while True:
        row = accounts[path[-1]]
        step = row["master_record_id"] if row["master_record_id"] in accounts else (
            row["parent_id"] if row["parent_id"] in accounts else None)
        if step is None:
            return path[-1]
        if step in path:
            return min(path[path.index(step):])
        path.append(step)


def customer_of(stripe_customer_id: str, customers: dict[str, dict[str, str]],
                accounts: dict[str, dict[str, str]]) -> str:
    unmapped = f"unmapped:{stripe_customer_id}"
    if stripe_customer_id not in customers:
        return unmapped
    try:
        metadata = json.loads(customers[stripe_customer_id]["metadata"])
    except ValueError:
        return unmapped
    if not isinstance(metadata, dict):
        return unmapped
    account_id = str(metadata.get("salesforce_account_id") or "").strip()
    if account_id not in accounts:
        return unmapped
    return top_account(account_id, accounts)


def load(book: Path, seed_csv: Path) -> Book:
    subscriptions: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in read(book, "stripe", "subscription_history"):
        subscriptions[r["id"]].append({"start": instant(r["_fivetran_start"]),
                                       "end": instant(r["_fivetran_end"]) or FAR_FUTURE,
                                       "status": r["status"].strip().lower(), "customer_id": r["customer_id"]})
    items: dict[str, dict[str, list[dict[str, object]]]] = defaultdict(lambda: defaultdict(list))
    for r in read(book, "stripe", "subscription_item_history"):
        items[r["subscription_id"]][r["id"]].append({
            "start": instant(r["_fivetran_start"]), "end": instant(r["_fivetran_end"]) or FAR_FUTURE,
            "price_id": r["price_id"], "quantity": int(r["quantity"]) if r["quantity"].strip() else 1})
    discounts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in read(book, "stripe", "subscription_discount"):
        if r["subscription_id"].strip():
            discounts[r["subscription_id"]].append(r)
    customers = {r["id"]: r for r in read(book, "stripe", "customer")}
    accounts = {r["id"]: r for r in read(book, "salesforce", "account")}
    contract_customer = {}
    for sub_id, versions in subscriptions.items():
        named = [v for v in versions if str(v["customer_id"]).strip()]
        latest = max(named, key=lambda v: v["start"])  # type: ignore[arg-type, return-value]
        contract_customer[sub_id] = customer_of(str(latest["customer_id"]), customers, accounts)
    return Book(subscriptions, items, {r["id"]: r for r in read(book, "stripe", "price")},
                {r["id"]: r for r in read(book, "stripe", "coupon")}, discounts, Fx(seed_csv), contract_customer)


def contract_mrr(book: Book, sub_id: str, t: datetime) -> float:
    version = in_force(book.subscriptions[sub_id], t)
    if version is None or version["status"] not in COUNTED_STATUSES:
        return 0.0
    total, interval_months = 0.0, None
    for versions in book.items[sub_id].values():
        item = in_force(versions, t)
        if item is None:
            continue
        price = book.prices[str(item["price_id"])]
        if not price["recurring_interval"]:
            continue  # one-time price: not recurring revenue
        currency = price["currency"].upper()
        months = months_in_one_interval(price["recurring_interval"], int(price["recurring_interval_count"]))
        interval_months = max(interval_months or 0.0, months)
        minor = 1 if currency in ZERO_DECIMAL else 100
        fx = book.fx.rate(currency, item["start"].date())  # type: ignore[union-attr]
        total += int(item["quantity"]) * int(price["unit_amount"]) / minor * fx / months  # type: ignore[call-overload]
    live = []
    for d in book.discounts.get(sub_id, []):
        coupon = book.coupons[d["coupon_id"]]
        start, end = instant(d["start"]), instant(d["end"]) or FAR_FUTURE
        if coupon["duration"] in ("forever", "repeating") and start < t <= end:  # type: ignore[operator]
            live.append((start, d["id"], coupon))
    if live:
        start, _, coupon = max(live, key=lambda x: (x[0], x[1]))
        if coupon["percent_off"].strip():
            total *= 1 - float(coupon["percent_off"]) / 100
        if coupon["amount_off"].strip() and interval_months:
            currency = coupon["currency"].upper()
            minor = 1 if currency in ZERO_DECIMAL else 100
            fx = book.fx.rate(currency, start.date())  # type: ignore[union-attr]
            total -= int(coupon["amount_off"]) / minor * fx / interval_months
    return max(total, 0.0)


def complete_month_ends(first: date, as_of: date) -> list[tuple[date, datetime]]:
    """(month, T = first instant of the next month) for every complete month first..as_of."""
    out, month = [], first.replace(day=1)
    while month < as_of.replace(day=1):
        nxt = (month + timedelta(days=32)).replace(day=1)
        out.append((month, datetime(nxt.year, nxt.month, 1)))
        month = nxt
    return out


def customer_mrr_by_month(book_dir: Path, project_dir: Path) -> dict[date, dict[str, Decimal]]:
    """Independent month-end MRR per customer for every complete month (contract MRR rounded like the mart)."""
    book = load(book_dir, project_dir / "seeds" / "reference" / "fx_rates_daily.csv")
    first = min(v["start"] for vs in book.items.values() for versions in vs.values() for v in versions)
    out: dict[date, dict[str, Decimal]] = {}
    for month, t in complete_month_ends(first.date(), END_DATE):  # type: ignore[union-attr]
        by_customer: dict[str, Decimal] = defaultdict(Decimal)
        for sub_id in book.subscriptions:
            # stored like the mart: rounded to 6 places per contract, then summed exactly
            by_customer[book.contract_customer[sub_id]] += round(Decimal(contract_mrr(book, sub_id, t)), 6)
        out[month] = dict(by_customer)
    return out


def expected_by_month(by_month: dict[date, dict[str, Decimal]]) -> dict[date, tuple[Decimal, int]]:
    return {m: (sum(c.values(), Decimal(0)), sum(1 for v in c.values() if v > 0)) for m, c in by_month.items()}


def expected_retention(by_month: dict[date, dict[str, Decimal]]) -> dict[date, tuple[int, float, float, float]]:
    """METRICS.md cohort rates: C = customers with MRR > 0 at m-12; (|C|, nrr_12m, grr_12m, logo_12m)."""
    out = {}
    for month, now in by_month.items():
        start = date(month.year - 1, month.month, 1)
        cohort = {c: v for c, v in by_month.get(start, {}).items() if v > 0}
        if not cohort:
            continue
        base = sum(cohort.values(), Decimal(0))
        nrr = sum((now.get(c, Decimal(0)) for c in cohort), Decimal(0)) / base
        grr = sum((min(now.get(c, Decimal(0)), v) for c, v in cohort.items()), Decimal(0)) / base
        logos = sum(1 for c in cohort if now.get(c, Decimal(0)) > 0) / len(cohort)
        out[month] = (len(cohort), float(nrr), float(grr), logos)
    return out


# -- the tests -----------------------------------------------------------------------------------------

def test_bridge_closing_matches_independent_computation(revenue_clean: StagedBook, project_dir: Path) -> None:
    by_month = expected_by_month(customer_mrr_by_month(revenue_clean.book, project_dir))
    first_paid = min(m for m, (mrr, _) in by_month.items() if mrr > 0)  # the bridge starts there
    expected = {m: v for m, v in by_month.items() if m >= first_paid}
    rows = revenue_clean.query("select month, closing_mrr, customers_closing, is_complete "
                               "from marts.fct_mrr_bridge order by month")
    actual = {r[0]: (Decimal(r[1]), int(r[2])) for r in rows if r[3]}  # type: ignore[arg-type, call-overload]
    assert actual, "the bridge has no complete month"
    assert set(actual) == set(expected), (sorted(set(actual) ^ set(expected)))
    off = {m: (actual[m], expected[m]) for m in expected
           if abs(actual[m][0] - expected[m][0]) >= Decimal("0.005") or actual[m][1] != expected[m][1]}
    assert off == {}


def test_retention_matches_independent_computation(revenue_clean: StagedBook, project_dir: Path) -> None:
    expected = expected_retention(customer_mrr_by_month(revenue_clean.book, project_dir))
    rows = revenue_clean.query("select month, cohort_customers, nrr_12m, grr_12m, logo_retention_12m "
                               "from marts.fct_revenue_retention where segment_type = 'all' order by month")
    actual = {r[0]: (int(r[1]), float(r[2]), float(r[3]), float(r[4])) for r in rows}  # type: ignore[arg-type]
    assert len(actual) >= 2, "the pytest book must be long enough for 12-month cohorts"
    assert set(actual) == set(expected)
    for month, (customers, nrr, grr, logos) in expected.items():
        got = actual[month]
        assert got[0] == customers, month
        assert got[1:] == pytest.approx((nrr, grr, logos), abs=1e-9), month


def test_incomplete_month_is_as_of_month(revenue_clean: StagedBook) -> None:
    rows = revenue_clean.query("select month, is_complete from marts.fct_mrr_bridge order by month desc limit 2")
    assert rows[0] == (END_DATE.replace(day=1), False)
    assert rows[1][1] is True


def test_revenue_builds_on_faulty_book(staged_faulty: StagedBook) -> None:
    built_revenue(staged_faulty)
    revenue_nodes = [n for n in staged_faulty.outcome.nodes if "revenue" in n.unique_id or "mrr" in n.unique_id]
    assert revenue_nodes and all(n.bucket in ("pass", "warn") for n in revenue_nodes)
    unmapped = staged_faulty.query("select count(*) from intermediate.int_contracts_mapped "
                                   "where mapping_status = 'unknown_billing_customer'")
    manifest = [m for m in staged_faulty.manifest() if m["fault_class"] == "orphan_billing_customer"]
    assert manifest and unmapped[0][0] == len(manifest)
    kept = staged_faulty.query("select count(distinct subscription_id) from marts.fct_contract_mrr_monthly "
                               "where customer_id like 'unmapped:%' and mrr > 0")
    assert kept[0][0] >= len(manifest)  # orphan contracts keep their revenue
