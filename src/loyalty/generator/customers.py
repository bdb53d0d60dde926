"""Per customer: billing customers, the main contract, win-backs, subsidiaries' own
contracts and weekly add-on contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .accounts import Account, Crm
from .catalog import Catalog
from .config import Timeline
from .contracts import BillingCustomer, Contract, ContractSimulator, ContractSpec, metadata_json
from .ids import Ids
from .profiles import Profile
from .timeutil import sigmoid


@dataclass
class Business:
    """The simulated business the raw tables are written from."""

    profiles: list[Profile]
    crm: Crm
    health: np.ndarray  # customers x months
    catalog: Catalog
    billing_customers: list[BillingCustomer]
    contracts: list[Contract]


class CustomerBuilder:
    def __init__(self, crm: Crm, catalog: Catalog, ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
        self.crm = crm
        self.catalog = catalog
        self.ids = ids
        self.tl = tl
        self.rng = rng
        self.sim = ContractSimulator(catalog, ids, tl, rng)
        self.billing: list[BillingCustomer] = []
        self.contracts: list[Contract] = []

    def _u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def _billing_email(self, account: Account, domain: str) -> str:
        contacts = self.crm.contacts_of.get(account.id, [])
        billing = [c for c in contacts if c.role == "billing"] or contacts
        return billing[0].email if billing and self.rng.random() < 0.7 else f"billing@{domain}"

    def new_billing(self, p: Profile, account: Account, created: datetime, link: str | None,
                    extra: dict[str, str]) -> BillingCustomer:
        metadata = None if link == "null" else metadata_json(link, extra)
        bc = BillingCustomer(self.ids.customer.next(), p.index, account.id, self._billing_email(account, p.domain),
                             account.name, p.currency, created, metadata)
        self.billing.append(bc)
        return bc

    def root_link(self, p: Profile, root: Account) -> tuple[str | None, dict[str, str]]:
        """The CRM link on the main billing customer: usually the account, sometimes a merged
        duplicate or nothing at all (self-serve sign-ups nobody linked)."""
        dups = self.crm.duplicates.get(p.index, [])
        u = self.rng.random()
        if dups and u < 0.45:
            return dups[int(self.rng.integers(len(dups)))].id, {"plan": p.tier}
        if u < 0.025:
            return "null", {}
        if u < 0.05:
            return None, {"signup_source": "self_serve"}
        return root.id, {"plan": p.tier}

    def coupon(self, p: Profile, interval: str, seats: int) -> str | None:
        rng = self.rng
        if p.industry == "Non-profit" and rng.random() < 0.6:
            return "NONPROFIT30"
        if p.channel == "Partner" and rng.random() < 0.5:
            return "PARTNER15"
        if p.channel == "Event" and rng.random() < 0.35:
            return "LAUNCH25-3M" if rng.random() < 0.6 else "EVENT12.5"
        if interval == "month" and p.channel in ("Paid Search", "Inbound") and rng.random() < 0.25:
            return "WELCOME20"
        if interval == "year" and rng.random() < 0.2:
            return "ANNUAL10-12M"
        if rng.random() < 0.08:
            options = {"usd": ("USD100-6M", "USD500-ONCE"), "eur": ("EUR100-6M",), "gbp": ("GBP50-FOREVER",),
                       "jpy": ("JPY5000-3M",)}[p.currency]
            coupon = self.catalog.coupon_by_id[options[int(rng.integers(len(options)))]]
            value = seats * self.catalog.price(p.tier, p.currency, interval).unit_amount
            if coupon.amount_off is not None and value > 2 * coupon.amount_off:
                return coupon.id
        return None

    def build(self, p: Profile, health: np.ndarray) -> None:
        tl, rng = self.tl, self.rng
        root = self.crm.root[p.index]
        link, extra = self.root_link(p, root)
        bc = self.new_billing(p, root, p.acquired - timedelta(minutes=self._u(1, 90)), link, extra)
        legacy = p.tier == "growth" and p.interval != "quarter" and tl.month_of(p.acquired) == 0 and rng.random() < 0.5
        spec = ContractSpec(p.index, root.id, bc, "main", p.acquired, p.tier, p.interval, p.seats, p.trial, legacy,
                            self.coupon(p, p.interval, p.seats))
        main = self._run(spec, health)
        self._win_back(p, main, health, root)
        self._subsidiaries(p, main, health)
        self._addon(p, main, health, root)

    def _run(self, spec: ContractSpec, health: np.ndarray) -> Contract:
        c = self.sim.run(spec, health)
        self.contracts.append(c)
        return c

    def _win_back(self, p: Profile, main: Contract, health: np.ndarray, root: Account) -> None:
        c = main
        for _ in range(2):
            if c.access_end is None or c.outcome not in ("churned", "churned_unpaid", "trial_lapsed"):
                return
            lapsed = c.outcome == "trial_lapsed"
            p_back = 0.25 if lapsed else 0.3 * sigmoid(p.mu)
            if self.rng.random() >= p_back:
                return
            back = c.access_end + timedelta(days=self._u(30, 200) if lapsed else self._u(60, 420))
            if back >= self.tl.horizon - timedelta(days=5):
                return
            bc = c.billing
            if self.rng.random() < 0.2:
                bc = self.new_billing(p, root, back - timedelta(minutes=self._u(1, 60)), root.id, {"plan": p.tier})
            seats = max(1, int(c.main_item.changes[-1][2] * self._u(0.5, 1.0)))
            interval = "month" if self.rng.random() < 0.6 else p.interval
            spec = ContractSpec(p.index, root.id, bc, "main", back, p.tier, interval, seats, False, False,
                                "WELCOME20" if self.rng.random() < 0.3 else None, renewal_boost=0.6)
            c = self._run(spec, health)

    def _subsidiaries(self, p: Profile, main: Contract, health: np.ndarray) -> None:
        for child in self.crm.children.get(p.index, []):
            if self.rng.random() >= 0.45:
                continue
            start = max(child.created, main.start) + timedelta(days=self._u(5, 90))
            if start >= self.tl.horizon - timedelta(days=7):
                continue
            link = child.id if self.rng.random() < 0.9 else self.crm.root[p.index].id
            bc = self.new_billing(p, child, start - timedelta(minutes=self._u(1, 90)), link, {"plan": p.tier})
            seats = max(2, int(p.seats * self._u(0.1, 0.5)))
            interval = p.interval if p.interval != "quarter" else "month"
            spec = ContractSpec(p.index, child.id, bc, "subsidiary", start, p.tier, interval, seats, False, False,
                                None)
            self._run(spec, health)

    def _addon(self, p: Profile, main: Contract, health: np.ndarray, root: Account) -> None:
        if p.currency == "jpy" or main.paid_from is None or self.rng.random() >= 0.08:
            return
        start = main.paid_from + timedelta(days=self._u(20, 300))
        end = main.access_end or self.tl.horizon
        if start >= min(end, self.tl.horizon - timedelta(days=7)):
            return
        spec = ContractSpec(p.index, root.id, main.billing, "addon", start, "sandbox", "week",
                            int(self.rng.integers(1, 3)), False, False, None, forced_end=main.access_end)
        self._run(spec, health)


def build_business(profiles: list[Profile], crm: Crm, health: np.ndarray, catalog: Catalog, ids: Ids,
                   tl: Timeline, rng: np.random.Generator) -> Business:
    builder = CustomerBuilder(crm, catalog, ids, tl, rng)
    for p in profiles:
        builder.build(p, health[p.index])
    _finalise_accounts(crm, builder.contracts, tl)
    _finalise_billing(builder.billing, builder.contracts, tl, rng)
    return Business(profiles, crm, health, catalog, builder.billing, builder.contracts)


def _finalise_accounts(crm: Crm, contracts: list[Contract], tl: Timeline) -> None:
    """Account type as of the sync: Customer, Former Customer or Prospect."""
    status: dict[int, str] = {}
    for c in contracts:
        if c.paid_from is None:
            continue
        live = c.access_end is None and c.outcome in ("active",)
        current = status.get(c.customer)
        status[c.customer] = "Customer" if live or current == "Customer" else "Former Customer"
    for acc in crm.accounts:
        if acc.role in ("customer", "child") and acc.customer is not None:
            acc.type = status.get(acc.customer, "Prospect")


def _finalise_billing(billing: list[BillingCustomer], contracts: list[Contract], tl: Timeline,
                      rng: np.random.Generator) -> None:
    """Delinquent = an open invoice past its due date; long-gone customers are sometimes deleted."""
    by_id = {b.id: b for b in billing}
    last_end: dict[str, datetime | None] = {}
    for c in contracts:
        bc = by_id[c.billing.id]
        if any(i.status == "open" and i.due < tl.horizon - timedelta(days=1) for i in c.invoices):
            bc.delinquent = True
        prev = last_end.get(bc.id, datetime.min)
        last_end[bc.id] = None if (prev is None or c.access_end is None) else max(prev, c.access_end)
    for b in billing:
        end = last_end.get(b.id)
        if end is not None and end < tl.horizon - timedelta(days=240) and rng.random() < 0.1:
            b.is_deleted = True
