"""Segment users (seats in use), their group calls, feature adoption and the
lifecycle events (onboarding milestones, invitations) that precede everyday usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from loyalty.contract import table

from . import names
from .accounts import People
from .events import EVENTS, KEY_FEATURES, event_index
from .config import Timeline
from .contracts import Contract
from .customers import Business
from .ids import Ids
from .timeutil import EPOCH, sigmoid
from .writer import TableBuffer

# monthly adoption hazard of each key feature at neutral health
ADOPTION_HAZARD = {"integration_connected": 0.5, "report_created": 0.6, "dashboard_created": 0.35,
                   "dashboard_shared": 0.2, "automation_enabled": 0.15, "alert_configured": 0.12,
                   "api_key_created": 0.05}
ROLE_PROPENSITY = {"admin": 1.4, "member": 1.0, "viewer": 0.45}
MILESTONE_FEATURES = ("integration_connected", "report_created", "automation_enabled")


def _secs(t: datetime) -> int:
    return int((t - EPOCH).total_seconds())


@dataclass
class UsagePlan:
    """Everything the tracks stream needs, as flat arrays (one entry per Segment user)."""

    user_ids: list[str] = field(default_factory=list)
    anon_ids: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    contract: list[int] = field(default_factory=list)  # row in `weights`' contract axis
    customer: list[int] = field(default_factory=list)
    start_s: list[int] = field(default_factory=list)
    end_s: list[int] = field(default_factory=list)
    propensity: list[float] = field(default_factory=list)
    # lifecycle events: (user index, epoch seconds, event index)
    life_user: list[int] = field(default_factory=list)
    life_time: list[int] = field(default_factory=list)
    life_event: list[int] = field(default_factory=list)
    # per contract: customer tz, churn end (epoch s or -1), start (epoch s)
    c_tz: list[float] = field(default_factory=list)
    c_churn_s: list[int] = field(default_factory=list)
    c_start_s: list[int] = field(default_factory=list)
    weights: np.ndarray | None = None  # (contracts, months, events)


class UsageBuilder:
    def __init__(self, business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
        self.b = business
        self.ids = ids
        self.tl = tl
        self.rng = rng
        self.people = People(rng, business.crm.emails)
        self.users = TableBuffer(table("segment.users"))
        self.groups = TableBuffer(table("segment.groups"))
        self.plan = UsagePlan()
        self.contract_rows: list[np.ndarray] = []
        self.user_email: dict[int, list[tuple[str, str, datetime]]] = {}  # customer -> (email, name, created)

    def _u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def _uuid(self) -> str:
        r = self.rng.integers(0, 2**32, size=4, dtype=np.uint64).tolist()
        return (f"{r[0]:08x}-{r[1] >> 16:04x}-4{r[1] & 0xFFF:03x}-{(r[2] >> 16) & 0x3FFF | 0x8000:04x}-"
                f"{r[2] & 0xFFFF:04x}{r[3]:08x}")

    def contract(self, c: Contract) -> None:
        """Seat pool, adoption and users of one contract."""
        if c.kind == "addon":
            return
        tl, rng = self.tl, self.rng
        end = c.access_end or tl.horizon
        if end <= c.start:
            return
        p = self.b.profiles[c.customer]
        health = self.b.health[c.customer]
        row = len(self.plan.c_tz)
        self.plan.c_tz.append(p.tz_hours)
        self.plan.c_churn_s.append(_secs(c.access_end) if c.access_end is not None else -1)
        self.plan.c_start_s.append(_secs(c.start))
        adopted = self._adoption(c, health)
        self.contract_rows.append(self._weights(adopted, health))
        office = f"{int(rng.integers(11, 223))}.{int(rng.integers(0, 256))}.{int(rng.integers(0, 256))}"
        pool: list[int] = []  # active user indices
        seats = c.seat_timeline()
        fill0 = min(max(0.72 + 0.15 * float(health[tl.month_of(c.start)]) + rng.normal(0, 0.08), 0.35), 1.0)
        admin = self._new_user(c, row, office, c.start + timedelta(minutes=self._u(2, 50)), "admin", first=True)
        pool.append(admin)
        self._life(admin, c.start + timedelta(minutes=self._u(55, 90)), "workspace_created")
        self._life(admin, c.start + timedelta(days=self._u(0.1, 5)), "data_imported")
        for feature in MILESTONE_FEATURES:
            when = adopted.get(feature)
            if when is not None and when < end:
                self._life(admin if rng.random() < 0.6 else pool[int(rng.integers(len(pool)))], when, feature)
        m0 = tl.month_of(c.start)
        for m in range(m0, tl.months):
            lo = max(tl.month_start(m), c.start)
            hi = min(tl.month_start(m + 1), end)
            if lo >= hi:
                break
            h = float(health[m])
            qty = next((q for t, q in reversed(seats) if t <= lo), seats[0][1])
            for u in list(pool):  # turnover: people leave the customer
                if u != admin and rng.random() < 0.012:
                    self.plan.end_s[u] = _secs(lo + timedelta(days=self._u(0, max((hi - lo).days, 1))))
                    pool.remove(u)
            fill = min(max(fill0 + 0.1 * h, 0.3), 1.0)
            target = max(1, min(qty, round(qty * fill)))
            ramp = 0.5 if m == m0 else 1.0
            want = max(0, round((target - len(pool)) * ramp)) if len(pool) < target else 0
            while len(pool) > qty:  # seats were cut
                u = pool.pop()
                self.plan.end_s[u] = _secs(lo + timedelta(hours=self._u(1, 72)))
            for _ in range(want):
                t = lo + timedelta(seconds=int((hi - lo).total_seconds() * rng.random()))
                role = "viewer" if rng.random() < 0.3 else ("admin" if rng.random() < 0.07 else "member")
                u = self._new_user(c, row, office, t, role)
                pool.append(u)
                self._life(admin, t - timedelta(seconds=int(self._u(60, 7200))), "user_invited")
        for u in pool:
            self.plan.end_s[u] = min(self.plan.end_s[u], _secs(end))

    def _adoption(self, c: Contract, health: np.ndarray) -> dict[str, datetime]:
        """When each key feature is first used (absent: never, within the book)."""
        tl, rng = self.tl, self.rng
        out: dict[str, datetime] = {}
        m0 = tl.month_of(c.start)
        for feature in KEY_FEATURES:
            for m in range(m0, tl.months):
                hazard = ADOPTION_HAZARD[feature] * 2 * sigmoid(1.5 * float(health[m]))
                if rng.random() < min(hazard, 0.95):
                    lo = max(tl.month_start(m), c.start + timedelta(hours=2))
                    hi = tl.month_start(m + 1)
                    if lo < hi:
                        out[feature] = lo + timedelta(seconds=int((hi - lo).total_seconds() * rng.random()))
                    break
        return out

    def _weights(self, adopted: dict[str, datetime], health: np.ndarray) -> np.ndarray:
        """Event mix per book month: a feature's events only once it is adopted."""
        tl = self.tl
        w = np.zeros((tl.months, len(EVENTS)))
        month_starts = [tl.month_start(m + 1) for m in range(tl.months)]
        for j, e in enumerate(EVENTS):
            if e.weight == 0:
                continue
            if not e.requires:
                w[:, j] = e.weight
                continue
            when = adopted.get(e.requires)
            if when is not None:
                w[:, j] = np.array([e.weight if when < ms else 0.0 for ms in month_starts])
        help_idx = event_index("help_article_viewed")
        w[:, help_idx] *= 1.0 + np.clip(-health, 0.0, None) * 1.5
        return w

    def _new_user(self, c: Contract, row: int, office: str, created: datetime, role: str, first: bool = False) -> int:
        rng, plan = self.rng, self.plan
        p = self.b.profiles[c.customer]
        champion = None
        if first and c.kind == "main" and c.customer not in self.user_email:
            contacts = self.b.crm.contacts_of.get(c.account_id, [])
            champion = next((x for x in contacts if x.role == "champion"), None)
        if champion is not None:
            first_name, last_name, email = champion.first_name, champion.last_name, champion.email
        else:
            first_name, last_name, email = self.people.person(p.domain)
        created = min(created, self.tl.horizon - timedelta(seconds=30))
        uid = self.ids.seg_user.next()
        idx = len(plan.user_ids)
        plan.user_ids.append(uid)
        plan.anon_ids.append(self._uuid())
        plan.ips.append(f"{office}.{int(rng.integers(2, 255))}")
        plan.contract.append(row)
        plan.customer.append(c.customer)
        plan.start_s.append(_secs(created))
        plan.end_s.append(_secs(self.tl.horizon))
        plan.propensity.append(float(rng.gamma(0.9, 1 / 0.9)) * ROLE_PROPENSITY[role])
        received = created + timedelta(seconds=int(self._u(1, 20)))
        self.users.add(id=uid, email=email, name=f"{first_name} {last_name}", role=role,
                       department=names.DEPARTMENTS[int(rng.integers(len(names.DEPARTMENTS)))],
                       created_at=created, received_at=min(received, self.tl.horizon - timedelta(seconds=1)))
        self.user_email.setdefault(c.customer, []).append((email, f"{first_name} {last_name}", created))
        self._group(c, uid, created)
        return idx

    def _group(self, c: Contract, uid: str, created: datetime) -> None:
        """The user joins the contract's account; some calls still name a merged duplicate, and some
        users are re-grouped later (latest call wins)."""
        rng, crm, tl = self.rng, self.b.crm, self.tl
        group = c.account_id
        dups = crm.duplicates.get(c.customer, [])
        if dups and rng.random() < 0.3:
            group = dups[0].id
        t = min(created + timedelta(seconds=int(self._u(10, 600))), tl.horizon - timedelta(seconds=10))
        self._group_call(uid, group, t)
        kids = crm.children.get(c.customer, [])
        if rng.random() < 0.05 and (kids or group != c.account_id):
            later = t + timedelta(days=self._u(5, 300))
            if later < tl.horizon - timedelta(seconds=10):
                target = c.account_id if group != c.account_id else kids[int(rng.integers(len(kids)))].id
                self._group_call(uid, target, later)

    def _group_call(self, uid: str, group: str, t: datetime) -> None:
        received = min(t + timedelta(seconds=int(self._u(0, 5))), self.tl.horizon - timedelta(seconds=1))
        self.groups.add(id=self.ids.group_call.next(), user_id=uid, group_id=group, timestamp=t, received_at=received)

    def _life(self, user: int, when: datetime, event: str) -> None:
        s = _secs(when)
        if s < self.plan.start_s[user]:
            s = self.plan.start_s[user] + int(self._u(30, 900))
        self.plan.life_user.append(user)
        self.plan.life_time.append(s)
        self.plan.life_event.append(event_index(event))

    def finish(self) -> UsagePlan:
        if self.contract_rows:
            self.plan.weights = np.stack(self.contract_rows)
        else:
            self.plan.weights = np.zeros((0, self.tl.months, len(EVENTS)))
        return self.plan


def build_usage(business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> UsageBuilder:
    builder = UsageBuilder(business, ids, tl, rng)
    for c in business.contracts:
        builder.contract(c)
    builder.finish()
    return builder
