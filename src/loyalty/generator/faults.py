"""Fault injection (`faults=True`): every class of loyalty.faults.FAULT_CLASSES, a few rows
each, plus the manifest that tells tests what staging must do with each row."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from loyalty import faults as spec
from loyalty.contract import table

from .accounts import Crm, People
from .catalog import Catalog
from .config import Timeline
from .ids import Ids, event_ids
from .timeutil import EPOCH, OPEN_END, fmt_ts
from .writer import TableBuffer

ODD_OFFSETS = ((5, 45), (-9, -30), (13, 0))
OUT_OF_SCALE = (("nps", 11), ("csat", 0), ("ces", 9), ("nps", -1), ("csat", 7))


def fault_count(customers: int) -> int:
    """A handful per class, growing gently with book size (1 at 20 customers, 4 at 300, 8 at 10k)."""
    return 1 + round(0.75 * math.log2(max(customers, 20) / 20))


class FaultLog:
    """The manifest rows, in injection order."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(self, qualified: str, row_key: str, name: str, expected_value: str = "") -> None:
        fc = next((f for f in spec.FAULT_CLASSES if f.name == name and f.table == qualified), None)
        if fc is None:
            raise KeyError(f"no fault class {name!r} for {qualified}")
        self.rows.append((qualified, row_key, name, fc.outcome, fc.reason, expected_value))


def version_key(row_id: str, start: datetime) -> str:
    return f"{row_id}@{fmt_ts(start)}"


class FaultInjector:
    def __init__(self, customers: int, tl: Timeline, ids: Ids, rng: np.random.Generator) -> None:
        self.n = fault_count(customers)
        self.tl = tl
        self.ids = ids
        self.rng = rng
        self.log = FaultLog()

    def _pick(self, candidates: list[int], k: int) -> list[int]:
        if not candidates:
            return []
        chosen = self.rng.choice(len(candidates), size=min(k, len(candidates)), replace=False)
        return [candidates[i] for i in sorted(chosen.tolist())]

    def _instant(self, lo: datetime, hi: datetime) -> datetime:
        return lo + timedelta(seconds=int(max((hi - lo).total_seconds(), 1) * self.rng.random()))

    # -- stripe ----------------------------------------------------------------------------------
    def customers(self, buf: TableBuffer) -> None:
        """malformed_metadata: the link is unreadable, so the customer becomes unmapped."""
        meta = buf.columns["metadata"]
        ok = [i for i, m in enumerate(meta) if isinstance(m, str) and '"salesforce_account_id": "' in m]
        for k, i in enumerate(self._pick(ok, self.n)):
            account = str(meta[i]).split('"salesforce_account_id": "')[1].split('"')[0]
            variants = (f"salesforce_account_id={account}", f'["{account}"]', '{"salesforce_account_id": ""}',
                        f"{{'salesforce_account_id': '{account}'}}", f'{{"sf_account": "{account}"}}', " ")
            buf.set(i, metadata=variants[k % len(variants)])
            self.log.add("stripe.customer", str(buf.columns["id"][i]), "malformed_metadata")

    def prices(self, buf: TableBuffer, catalog: Catalog) -> None:
        """unknown_currency: kept to two rows so the price table stays under the reject-share gate."""
        growth = catalog.product("growth")
        for code, amount in (("chf", 3200), ("sek", 36000), ("brl", 17500))[: min(self.n, 2)]:
            pid = self.ids.price.next()
            buf.add(id=pid, product_id=growth.id, currency=code, unit_amount=amount, recurring_interval="month",
                    recurring_interval_count=1, active=True, nickname=f"Growth monthly {code.upper()}",
                    _fivetran_synced=self.tl.start - timedelta(hours=3))
            self.log.add("stripe.price", pid, "unknown_currency")

    def subscriptions(self, subs: TableBuffer, items: TableBuffer, catalog: Catalog) -> None:
        self._overlaps(subs)
        self._orphans(subs, items, catalog)
        self._negative_quantities(subs, items)

    def _overlaps(self, subs: TableBuffer) -> None:
        """overlapping_versions: a version's end runs past the next version's start."""
        ids, starts, ends = subs.columns["id"], subs.columns["_fivetran_start"], subs.columns["_fivetran_end"]
        candidates = [i for i in range(len(subs) - 1)
                      if ids[i] == ids[i + 1] and isinstance(ends[i + 1], datetime)]
        for i in self._pick(candidates, self.n):
            nxt_start, nxt_end = starts[i + 1], ends[i + 1]
            room = min((nxt_end - nxt_start).total_seconds() / 2, (self.tl.horizon - nxt_start).total_seconds() / 2,
                       3 * 86400.0)
            if room < 120:
                continue
            subs.set(i, _fivetran_end=nxt_start + timedelta(seconds=int(self.rng.uniform(60, room))))
            self.log.add("stripe.subscription_history", version_key(str(ids[i]), starts[i]), "overlapping_versions")

    def _orphans(self, subs: TableBuffer, items: TableBuffer, catalog: Catalog) -> None:
        """orphan_billing_customer: a subscription whose customer never reached stripe.customer."""
        price = catalog.price("growth", "usd", "month")
        for _ in range(self.n):
            sub_id, cus_id = self.ids.subscription.next(), self.ids.customer.next()
            t = self._instant(self.tl.start, self.tl.horizon - timedelta(days=3))
            subs.add(id=sub_id, customer_id=cus_id, status="active", created=t, start_date=t, current_period_start=t,
                     current_period_end=t + timedelta(days=30), cancel_at_period_end=False, canceled_at=None,
                     ended_at=None, trial_start=None, trial_end=None, _fivetran_start=t, _fivetran_end=OPEN_END,
                     _fivetran_active=True)
            items.add(id=self.ids.item.next(), subscription_id=sub_id, price_id=price.id, quantity=5, created=t,
                      _fivetran_start=t, _fivetran_end=OPEN_END, _fivetran_active=True, _fivetran_deleted=False)
            self.log.add("stripe.subscription_history", version_key(sub_id, t), "orphan_billing_customer")

    def _negative_quantities(self, subs: TableBuffer, items: TableBuffer) -> None:
        """negative_quantity: a separate item whose only version has quantity < 0 (nothing else wrong)."""
        first_row: dict[str, int] = {}
        for i, sid in enumerate(items.columns["subscription_id"]):
            first_row.setdefault(str(sid), i)
        sub_start: dict[str, datetime] = {}
        for sid, start in zip(subs.columns["id"], subs.columns["_fivetran_start"], strict=True):
            sub_start.setdefault(str(sid), start)
        latest = self.tl.horizon - timedelta(days=2)
        candidates = [r for sid, r in first_row.items() if sub_start.get(sid, self.tl.horizon) < latest]
        for r in self._pick(sorted(candidates), self.n):
            sid = str(items.columns["subscription_id"][r])
            t = self._instant(sub_start[sid], self.tl.horizon - timedelta(days=1))
            item_id = self.ids.item.next()
            items.add(id=item_id, subscription_id=sid, price_id=items.columns["price_id"][r],
                      quantity=-int(self.rng.integers(1, 6)), created=t, _fivetran_start=t, _fivetran_end=OPEN_END,
                      _fivetran_active=True, _fivetran_deleted=False)
            self.log.add("stripe.subscription_item_history", version_key(item_id, t), "negative_quantity")

    def invoices(self, buf: TableBuffer) -> None:
        """null_key: an otherwise valid invoice row with an empty id."""
        for i in self._pick(list(range(len(buf))), self.n):
            row = buf.row(i)
            row["id"] = None
            buf.add_row(row)
            self.log.add("stripe.invoice", "", "null_key")

    # -- salesforce ------------------------------------------------------------------------------
    def contacts(self, buf: TableBuffer, crm: Crm) -> None:
        people = People(self.rng, crm.emails)
        roots = [a for a in crm.accounts if a.role == "customer"]
        for name in ("null_key", "soft_deleted"):
            for k in self._pick(list(range(len(roots))), self.n):
                acc = roots[k]
                first, last, email = people.person(acc.domain)
                created = self._instant(acc.created, self.tl.horizon - timedelta(hours=2))
                cid = None if name == "null_key" else self.ids.contact.next()
                buf.add(id=cid, account_id=acc.id, email=email, first_name=first, last_name=last, title="Analyst",
                        is_deleted=name == "soft_deleted", created_date=created,
                        _fivetran_synced=created + timedelta(minutes=30))
                self.log.add("salesforce.contact", cid or "", name)

    def cases(self, buf: TableBuffer) -> None:
        """soft_deleted: a closed, otherwise valid case marked deleted in the CRM."""
        for i in self._pick(list(range(len(buf))), self.n):
            row = buf.row(i)
            created = self._instant(self.tl.start, self.tl.horizon - timedelta(days=3))
            row.update(id=self.ids.case.next(), created_date=created, closed_date=created + timedelta(hours=5),
                       status="Closed", is_escalated=False, is_deleted=True,
                       _fivetran_synced=created + timedelta(hours=6))
            buf.add_row(row)
            self.log.add("salesforce.case", str(row["id"]), "soft_deleted")

    # -- delighted -------------------------------------------------------------------------------
    def responses(self, buf: TableBuffer, persons: TableBuffer) -> None:
        person_ids = [str(p) for p in persons.columns["id"]]
        if not person_ids:
            return
        for k in range(self.n):
            created = self._instant(self.tl.start, self.tl.horizon - timedelta(days=1))
            rid = self.ids.response.next()
            buf.add(id=rid, person_id=self.ids.person.next(), survey_type="nps", score=int(self.rng.integers(0, 11)),
                    comment=None, permalink=f"https://delighted.com/r/{self.ids.permalink.next()}", created_at=created,
                    updated_at=created, _fivetran_synced=created + timedelta(minutes=20))
            self.log.add("delighted.survey_response", rid, "orphan_survey_person")
            kind, score = OUT_OF_SCALE[k % len(OUT_OF_SCALE)]
            rid = self.ids.response.next()
            buf.add(id=rid, person_id=person_ids[int(self.rng.integers(len(person_ids)))], survey_type=kind,
                    score=score, comment=None, permalink=f"https://delighted.com/r/{self.ids.permalink.next()}",
                    created_at=created, updated_at=created, _fivetran_synced=created + timedelta(minutes=20))
            self.log.add("delighted.survey_response", rid, "out_of_scale_score")

    # -- segment ---------------------------------------------------------------------------------
    def tracks(self, samples: list[dict[str, str | None]], next_id: int, seed: int) -> pa.Table:
        """Rows appended to segment.tracks: re-deliveries, bad client clocks, odd offsets, null ids."""
        rows: list[dict[str, str | None]] = []
        if not samples:
            return pa.table({c: pa.array([], type=pa.string()) for c in table("segment.tracks").columns})
        fresh = iter(x.decode() for x in event_ids(next_id, 4 * self.n, seed))

        def template(k: int) -> dict[str, str | None]:
            return dict(samples[k % len(samples)])

        for k in range(self.n):
            row = template(k)
            for _ in range(1 if self.rng.random() < 0.6 else 2):
                rows.append(dict(row))
            self.log.add("segment.tracks", str(row["id"]), "duplicate_delivery")
        for k in range(self.n):
            row = template(self.n + k)
            received = datetime.fromisoformat(str(row["received_at"]))
            ts = received + timedelta(days=float(self.rng.uniform(3, 3 * 365)))
            row.update(id=next(fresh), timestamp=fmt_ts(ts), original_timestamp=fmt_ts(ts),
                       sent_at=fmt_ts(ts + timedelta(seconds=1)))
            rows.append(row)
            self.log.add("segment.tracks", str(row["id"]), "future_timestamp")
        for k in range(self.n):
            row = template(2 * self.n + k)
            ts = EPOCH + timedelta(seconds=int(self.rng.integers(0, 3 * 86400)))
            row.update(id=next(fresh), timestamp=fmt_ts(ts), original_timestamp=fmt_ts(ts),
                       sent_at=fmt_ts(ts + timedelta(seconds=1)))
            rows.append(row)
            self.log.add("segment.tracks", str(row["id"]), "epoch_timestamp")
        for k in range(self.n):
            row = template(3 * self.n + k)
            utc = datetime.fromisoformat(str(row["timestamp"]))
            hours, minutes = ODD_OFFSETS[k % len(ODD_OFFSETS)]
            local = utc + timedelta(hours=hours, minutes=minutes)
            sign = "-" if hours < 0 or minutes < 0 else "+"
            text = f"{local.strftime('%Y-%m-%dT%H:%M:%S')}{sign}{abs(hours):02d}:{abs(minutes):02d}"
            row.update(id=next(fresh), timestamp=text, original_timestamp=text)
            rows.append(row)
            self.log.add("segment.tracks", str(row["id"]), "odd_utc_offset", fmt_ts(utc))
        for k in range(self.n):
            row = template(4 * self.n + k)
            row["id"] = None
            rows.append(row)
            self.log.add("segment.tracks", "", "null_key")
        columns = table("segment.tracks").columns
        return pa.table({c: pa.array([r[c] for r in rows], type=pa.string()) for c in columns})
