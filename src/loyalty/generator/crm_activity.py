"""Salesforce opportunities, support cases and CSM tasks, driven by contracts and health."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np

from loyalty.contract import table

from .accounts import Account, Contact
from .config import Timeline
from .contracts import Contract
from .crm_rows import synced_after
from .customers import Business
from .ids import Ids
from .timeutil import sigmoid
from .writer import TableBuffer

ORIGINS, ORIGIN_SHARES = ("Email", "Web", "Phone", "Chat"), (0.4, 0.3, 0.15, 0.15)
OPEN_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review")


def _money(amount: float) -> str:
    return f"{max(amount, 0.0):.2f}"


def _open_stage(days_to_close: float) -> str:
    idx = 4 - min(max(int(days_to_close // 25), 0), 4)
    return OPEN_STAGES[idx]


def access_windows(c: Contract, tl: Timeline) -> tuple[datetime, datetime] | None:
    """When the customer could use the product under this contract (trial included)."""
    end = c.access_end or tl.horizon
    return (c.start, end) if end > c.start else None


def month_slices(lo: datetime, hi: datetime, tl: Timeline) -> list[tuple[int, datetime, datetime]]:
    """(month index, from, to) pieces of [lo, hi) per calendar month of the book."""
    out = []
    m = tl.month_of(lo)
    while m < tl.months:
        a, b = max(lo, tl.month_start(m)), min(hi, tl.month_start(m + 1), tl.horizon)
        if a >= hi or a >= tl.horizon:
            break
        if b > a:
            out.append((m, a, b))
        m += 1
    return out


class ActivityBuilder:
    def __init__(self, business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
        self.b = business
        self.ids = ids
        self.tl = tl
        self.rng = rng
        self.accounts: dict[str, Account] = {a.id: a for a in business.crm.accounts}
        self.opps = TableBuffer(table("salesforce.opportunity"))
        self.cases = TableBuffer(table("salesforce.case"))
        self.tasks = TableBuffer(table("salesforce.task"))
        self.case_log: list[tuple[int, str, str, datetime, datetime | None, bool]] = []  # for CSAT surveys

    def _u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def _when(self, lo: datetime, hi: datetime, tz_hours: float) -> datetime:
        """A business-hours instant (customer's local time) inside [lo, hi)."""
        span_days = max((hi - lo).total_seconds() / 86400.0, 1e-6)
        for _ in range(6):
            day = lo + timedelta(days=self._u(0, span_days))
            local_hour = min(max(self.rng.normal(13.0, 2.5), 7.0), 20.0)
            t = datetime(day.year, day.month, day.day) + timedelta(hours=local_hour - tz_hours)
            if lo <= t < hi and t.weekday() < 5:
                return t
        return lo + timedelta(seconds=int((hi - lo).total_seconds() * self.rng.random()))

    # -- opportunities ---------------------------------------------------------------------------
    def opportunity(self, account: Account, kind: str, created: datetime, close: date, amount: float,
                    won: bool | None, currency: str, owner: str, lead_source: str) -> None:
        created = max(created, account.created)
        closed = won is not None
        stage = ("Closed Won" if won else "Closed Lost") if closed else \
            _open_stage((datetime(close.year, close.month, close.day) - self.tl.horizon).days)
        last = min(datetime(close.year, close.month, close.day) + timedelta(hours=12), self.tl.horizon) \
            if closed else created
        self.opps.add(id=self.ids.opportunity.next(), account_id=account.id, type=kind, stage_name=stage,
                      is_won=bool(won), is_closed=closed, close_date=close, amount=_money(amount),
                      currency_iso_code=currency.upper(), lead_source=lead_source, owner_id=owner,
                      created_date=created, is_deleted=False, _fivetran_synced=synced_after(last, self.tl, self.rng))

    def contract_opportunities(self, c: Contract) -> None:
        crm = self.b.crm
        p = self.b.profiles[c.customer]
        account = self.accounts[c.account_id]
        ae = crm.aes[p.index % len(crm.aes)].id
        kinds = {"new": "New Business", "renewal": "Renewal", "upsell": "Upsell", "cross_sell": "Cross-sell"}
        for kind, t, amount, won in c.events:
            if kind == "new" and c.kind == "addon":
                kind = "cross_sell"
            lead = p.channel if kind == "new" else "Existing Customer"
            owner = account.owner_id if kind == "renewal" else ae
            lead_days = {"new": (14, 90), "renewal": (60, 110), "upsell": (10, 45), "cross_sell": (10, 45)}[kind]
            created = t - timedelta(days=self._u(*lead_days))
            if created >= self.tl.horizon:
                continue
            self.opportunity(account, kinds[kind], created, t.date(), amount, won, c.currency, owner, lead)

    def pipeline_noise(self) -> None:
        """Lost and open expansion deals, and the prospects' new-business pipeline."""
        tl, rng, crm = self.tl, self.rng, self.b.crm
        for c in self.b.contracts:
            if c.kind != "main" or c.paid_from is None:
                continue
            p = self.b.profiles[c.customer]
            end = c.access_end or tl.horizon
            months = max(int((end - c.paid_from).days / 30), 0)
            arr = c.arr(c.paid_from)
            for _ in range(int(rng.poisson(0.012 * months))):
                t = c.paid_from + timedelta(days=self._u(0, max((end - c.paid_from).days, 1)))
                self.opportunity(self.accounts[c.account_id], ("Upsell", "Cross-sell")[int(rng.integers(2))],
                                 t - timedelta(days=self._u(20, 60)), t.date(), arr * self._u(0.1, 0.4), False,
                                 c.currency, crm.aes[p.index % len(crm.aes)].id, "Existing Customer")
            h = float(self.b.health[c.customer][tl.months - 1])
            if c.access_end is None and rng.random() < 0.15 * sigmoid(2 * h):
                close = (tl.horizon + timedelta(days=self._u(10, 110))).date()
                self.opportunity(self.accounts[c.account_id], "Upsell", tl.horizon - timedelta(days=self._u(5, 40)),
                                 close, arr * self._u(0.1, 0.3), None, c.currency,
                                 crm.aes[p.index % len(crm.aes)].id, "Existing Customer")
        for a in crm.accounts:
            if a.role != "prospect":
                continue
            for _ in range(int(rng.integers(1, 3))):
                created = a.created + timedelta(days=self._u(0, 30))
                if created >= tl.horizon:
                    continue
                close_dt = created + timedelta(days=self._u(20, 120))
                won = False if close_dt < tl.horizon and rng.random() < 0.85 else None
                amount = float(np.exp(rng.normal(math.log(15000), 0.9)))
                self.opportunity(a, "New Business", created, close_dt.date(), amount, won, "usd", a.owner_id, a.source)

    # -- cases -----------------------------------------------------------------------------------
    def contract_cases(self, c: Contract) -> None:
        window = access_windows(c, self.tl)
        if window is None:
            return
        rng, tl = self.rng, self.tl
        p = self.b.profiles[c.customer]
        health = self.b.health[c.customer]
        account = self.accounts[c.account_id]
        seats = c.seat_timeline()
        for m, lo, hi in month_slices(*window, tl):
            h = float(health[m])
            qty = next((q for t, q in reversed(seats) if t <= hi), seats[0][1])
            onboarding = 1.8 if (lo - window[0]).days < 60 else 1.0
            share = (hi - lo).total_seconds() / (30.4 * 86400)
            lam = 0.07 * qty**0.5 * math.exp(-0.7 * h) * onboarding * share
            for _ in range(int(rng.poisson(lam))):
                self.case(c, account, p.tz_hours, lo, hi, h)

    def case(self, c: Contract, account: Account, tz: float, lo: datetime, hi: datetime, h: float) -> None:
        rng, tl = self.rng, self.tl
        created = self._when(lo, hi, tz)
        escalated = bool(rng.random() < sigmoid(-2.6 - 1.1 * h))
        r = rng.random() - (0.08 if h < -0.5 else 0.0) - (0.2 if escalated else 0.0)
        priority = "Critical" if r < 0.03 else "High" if r < 0.2 else "Medium" if r < 0.65 else "Low"
        hours = float(np.exp(rng.normal(math.log(18.0), 1.25))) * (4.0 if escalated else 1.0) * \
            (1.6 if h < -0.5 else 1.0)
        closed: datetime | None = created + timedelta(hours=hours)
        if closed >= tl.horizon:
            closed = None
            status = "Escalated" if escalated else ("Working" if rng.random() < 0.6 else "New")
        else:
            status = "Closed"
        contact = self._contact(account, created, prefer=("champion", "user"))
        case_id = self.ids.case.next()
        self.cases.add(id=case_id, account_id=account.id, contact_id=contact.id if contact else None,
                       created_date=created, closed_date=closed, status=status, priority=priority,
                       is_escalated=escalated, origin=ORIGINS[int(rng.choice(4, p=ORIGIN_SHARES))],
                       is_deleted=False, _fivetran_synced=synced_after(closed or created, tl, rng))
        if contact is not None:
            self.case_log.append((c.customer, case_id, contact.id, created, closed, escalated))

    def _contact(self, account: Account, at: datetime, prefer: tuple[str, ...]) -> Contact | None:
        crm = self.b.crm
        pool = crm.contacts_of.get(account.id, [])
        if not pool and account.customer is not None:
            pool = crm.contacts_of.get(crm.root[account.customer].id, [])
        if not pool:
            return None
        ready = [x for x in pool if x.created <= at] or pool
        preferred = [x for x in ready if x.role in prefer]
        choice = preferred if preferred and self.rng.random() < 0.7 else ready
        return choice[int(self.rng.integers(len(choice)))]

    # -- tasks -----------------------------------------------------------------------------------
    def contract_tasks(self, c: Contract) -> None:
        window = access_windows(c, self.tl)
        if window is None or c.kind == "addon":
            return
        rng, tl = self.rng, self.tl
        p = self.b.profiles[c.customer]
        health = self.b.health[c.customer]
        account = self.accounts[c.account_id]
        self.task(account, "Meeting", "Onboarding kickoff", window[0] + timedelta(days=self._u(1, 10)), p.tz_hours)
        for m, lo, hi in month_slices(*window, tl):
            h = float(health[m])
            band = p.size_band
            counts = {
                "Email": rng.poisson(0.7 + 0.3 * band),
                "Call": rng.poisson(0.15 + 0.1 * band + (0.8 if h < -0.4 else 0.0)),
                "Meeting": rng.poisson(0.1 + 0.08 * band),
                "Other": rng.poisson(0.12),
            }
            for kind, n in counts.items():
                for _ in range(int(n)):
                    self.task(account, kind, self._subject(kind, h), self._when(lo, hi, p.tz_hours), p.tz_hours)
            months_in = (lo.year - window[0].year) * 12 + lo.month - window[0].month
            if band >= 1 and months_in % 3 == 2 and rng.random() < sigmoid(0.6 + 1.6 * h):
                when = self._when(lo, hi, p.tz_hours)
                self.task(account, "QBR", f"QBR Q{(when.month - 1) // 3 + 1} {when.year}", when, p.tz_hours)
        if c.access_end is None and p.size_band >= 1 and rng.random() < 0.5:
            planned = tl.horizon + timedelta(days=self._u(1, 30))
            self.task(account, "QBR", f"QBR Q{(planned.month - 1) // 3 + 1} {planned.year}", planned, p.tz_hours)

    def _subject(self, kind: str, h: float) -> str:
        options = {
            "Email": ("Check-in", "Product update", "Follow-up on support case", "Renewal reminder",
                      "Training resources"),
            "Call": ("Health check call", "Escalation review", "Renewal discussion", "Adoption review")
            if h < -0.4 else ("Check-in call", "Roadmap preview", "Renewal discussion"),
            "Meeting": ("Training session", "Executive sponsor meeting", "Workflow review"),
            "Other": ("Internal account review", "Success plan update"),
        }[kind]
        return options[int(self.rng.integers(len(options)))]

    def task(self, account: Account, kind: str, subject: str, when: datetime, tz: float) -> None:
        tl = self.tl
        contact = self._contact(account, min(when, tl.horizon), prefer=("champion", "sponsor"))
        future = when >= tl.horizon
        status = ("Not Started" if self.rng.random() < 0.8 else "In Progress") if future else "Completed"
        touched = tl.horizon - timedelta(days=self._u(0.5, 20)) if future else when
        self.tasks.add(id=self.ids.task.next(), account_id=account.id, who_id=contact.id if contact else None,
                       type=kind, subject=subject, activity_date=when.date(), status=status, is_deleted=False,
                       _fivetran_synced=synced_after(max(touched, account.created), tl, self.rng))


def build_activity(business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> ActivityBuilder:
    builder = ActivityBuilder(business, ids, tl, rng)
    for c in business.contracts:
        builder.contract_opportunities(c)
    builder.pipeline_noise()
    for c in business.contracts:
        builder.contract_cases(c)
        builder.contract_tasks(c)
    return builder


def prospect_tasks(builder: ActivityBuilder) -> None:
    """Sales touches on prospects (not CSM work)."""
    tl, rng = builder.tl, builder.rng
    for a in builder.b.crm.accounts:
        if a.role != "prospect":
            continue
        for _ in range(int(rng.integers(1, 4))):
            when = a.created + timedelta(days=float(rng.uniform(0, 45)))
            if when < tl.horizon:
                builder.task(a, ("Email", "Call")[int(rng.integers(2))], "Discovery follow-up", when, 0.0)
