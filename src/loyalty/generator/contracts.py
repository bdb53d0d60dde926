"""Subscription lifecycles: trials, renewals, seat changes, upgrades, add-ons,
coupons, failed payments, cancellations and win-backs, as Stripe records them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from .catalog import PLAN_INTERVALS, ZERO_DECIMAL, Catalog, Coupon, Price
from .config import Timeline
from .health import lagged
from .ids import Ids
from .timeutil import add_months, sigmoid

SUB_FIELDS = ("customer_id", "status", "created", "start_date", "current_period_start", "current_period_end",
              "cancel_at_period_end", "canceled_at", "ended_at", "trial_start", "trial_end")
TRIAL_DAYS = 14


@dataclass
class BillingCustomer:
    id: str
    customer: int
    account_id: str | None
    email: str
    name: str
    currency: str
    created: datetime
    metadata: str | None
    is_deleted: bool = False
    delinquent: bool = False


@dataclass
class Item:
    id: str
    created: datetime
    changes: list[tuple[datetime, Price, int]]  # (instant, price, quantity), chronological
    deleted_at: datetime | None = None

    def at(self, t: datetime) -> tuple[Price, int] | None:
        if t < self.created or (self.deleted_at is not None and t >= self.deleted_at):
            return None
        state = None
        for when, price, qty in self.changes:
            if when <= t:
                state = (price, qty)
        return state

    @property
    def product_key(self) -> str:
        return self.changes[-1][1].product_key


@dataclass
class Discount:
    id: str
    coupon: Coupon
    start: datetime
    end: datetime | None


@dataclass
class Invoice:
    id: str
    status: str
    created: datetime
    due: datetime
    period_start: datetime
    period_end: datetime
    total: int
    amount_paid: int
    synced: datetime
    subscription_id: str | None = None
    customer_id: str = ""
    currency: str = ""


@dataclass
class Contract:
    """One Stripe subscription and everything that happened to it."""

    sub_id: str
    customer: int
    account_id: str
    billing: BillingCustomer
    kind: str  # main | subsidiary | addon
    currency: str
    interval: str  # month | quarter | year | week
    start: datetime
    patches: list[tuple[datetime, int, dict[str, object]]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    discounts: list[Discount] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    events: list[tuple[str, datetime, float, bool | None]] = field(default_factory=list)  # opportunity moments
    access_end: datetime | None = None
    outcome: str = "active"  # active | trialing | churned | churned_unpaid | trial_lapsed | expired
    paid_from: datetime | None = None  # first instant with paid access

    def patch(self, t: datetime, **values: object) -> None:
        self.patches.append((t, len(self.patches), values))

    @property
    def main_item(self) -> Item:
        return self.items[0]

    def arr(self, t: datetime) -> float:
        """Annual recurring revenue in major units of the contract currency at t (before discounts)."""
        months = PLAN_INTERVALS[self.interval][2] or 12 / 52
        minor = 1 if self.currency in ZERO_DECIMAL else 100
        total = 0.0
        for item in self.items:
            state = item.at(t)
            if state is not None:
                total += state[1] * state[0].unit_amount / minor / months * 12
        return total

    def seat_timeline(self) -> list[tuple[datetime, int]]:
        """Licensed seats over time, across plan items (an upgrade may swap the item)."""
        tiers = ("starter", "growth", "enterprise", "classic", "sandbox")
        changes = [(t, q) for item in self.items for t, price, q in item.changes
                   if price.product_key in tiers and (item.deleted_at is None or t < item.deleted_at)]
        return sorted(changes, key=lambda x: x[0])


def period_bound(anchor: datetime, interval: str, k: int) -> datetime:
    if interval == "week":
        return anchor + timedelta(weeks=k)
    return add_months(anchor, k * PLAN_INTERVALS[interval][2])


def metadata_json(account_id: str | None, extra: dict[str, str]) -> str:
    body: dict[str, str] = {}
    if account_id is not None:
        body["salesforce_account_id"] = account_id
    body.update(extra)
    return json.dumps(body)


@dataclass
class ContractSpec:
    customer: int
    account_id: str
    billing: BillingCustomer
    kind: str
    start: datetime
    tier: str
    interval: str
    seats: int
    trial: bool
    legacy: bool
    coupon: str | None
    renewal_boost: float = 0.0
    forced_end: datetime | None = None  # add-ons end with the main contract


class ContractSimulator:
    """Simulates one contract against the customer's latent health path."""

    def __init__(self, catalog: Catalog, ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
        self.catalog = catalog
        self.ids = ids
        self.tl = tl
        self.rng = rng

    # -- helpers ---------------------------------------------------------------------------------
    def _u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def _p(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def _h(self, health: np.ndarray, t: datetime) -> float:
        return float(health[self.tl.month_of(t)])

    def _price(self, product: str, c: Contract, legacy: bool = False) -> Price:
        return self.catalog.price(product, c.currency, c.interval, legacy)

    def _invoice(self, c: Contract, created: datetime, ps: datetime, pe: datetime, status: str,
                 paid_at: datetime | None, due: datetime | None = None, amount: int | None = None) -> Invoice:
        total = self._amount(c, ps) if amount is None else amount
        paid = total if status == "paid" else 0
        synced = min((paid_at or created) + timedelta(minutes=self._u(5, 360)), self.tl.horizon - timedelta(seconds=1))
        inv = Invoice(self.ids.invoice.next(), status, created, due or created, ps, pe, total, paid, synced,
                      c.sub_id, c.billing.id, c.currency)
        c.invoices.append(inv)
        return inv

    def _amount(self, c: Contract, t: datetime) -> int:
        total = 0
        for item in c.items:
            state = item.at(t)
            if state is not None:
                total += state[0].unit_amount * state[1]
        live = [d for d in c.discounts if d.start <= t and (d.end is None or t < d.end)]
        if live:
            coupon = max(live, key=lambda d: (d.start, d.id)).coupon
            if coupon.percent_off is not None:
                total = int(round(total * (1 - coupon.percent_off / 100)))
            elif coupon.amount_off is not None:
                total = max(total - coupon.amount_off, 0)
        return total

    def _discount(self, c: Contract, coupon_id: str, start: datetime) -> None:
        coupon = self.catalog.coupon_by_id[coupon_id]
        if coupon.duration == "repeating":
            end: datetime | None = add_months(start, int(coupon.duration_in_months or 1))
        elif coupon.duration == "once":
            end = period_bound(start, c.interval, 1)
        else:
            end = None
        c.discounts.append(Discount(self.ids.discount.next(), coupon, start, end))

    def _discount_in_force(self, c: Contract, t: datetime) -> bool:
        return any(d.start <= t and (d.end is None or t < d.end) for d in c.discounts)

    # -- lifecycle -------------------------------------------------------------------------------
    def run(self, spec: ContractSpec, health: np.ndarray) -> Contract:
        tl = self.tl
        c = Contract(self.ids.subscription.next(), spec.customer, spec.account_id, spec.billing, spec.kind,
                     spec.billing.currency, spec.interval, spec.start)
        t0 = spec.start
        c.patch(t0, customer_id=spec.billing.id, created=t0, start_date=t0, cancel_at_period_end=False,
                canceled_at=None, ended_at=None, trial_start=None, trial_end=None)
        product = "sandbox" if spec.kind == "addon" else spec.tier
        c.items.append(Item(self.ids.item.next(), t0, [(t0, self._price(product, c, spec.legacy), spec.seats)]))
        if spec.kind != "addon" and spec.tier == "enterprise" and self._p(0.35):
            qty = max(1, round(spec.seats * self._u(0.3, 0.9)))
            c.items.append(Item(self.ids.item.next(), t0, [(t0, self._price("analytics", c), qty)]))
        if spec.coupon is not None:
            self._discount(c, spec.coupon, t0)

        first_invoice_done = False
        if spec.trial:
            te = t0 + timedelta(days=TRIAL_DAYS)
            c.patch(t0, status="trialing", trial_start=t0, trial_end=te, current_period_start=t0,
                    current_period_end=te)
            self._invoice(c, t0, t0, te, "paid", t0, amount=0)
            if te >= tl.horizon:
                c.outcome = "trialing"
                return c
            if not self._p(sigmoid(0.9 + 1.4 * self._h(health, te))):
                c.patch(te, status="canceled", canceled_at=te, ended_at=te)
                c.outcome, c.access_end = "trial_lapsed", te
                c.events.append(("new", te, c.arr(te), False))
                return c
            anchor = te
        elif spec.kind != "addon" and self._p(0.03):
            pe = period_bound(t0, spec.interval, 1)
            c.patch(t0, status="incomplete", current_period_start=t0, current_period_end=pe)
            t_end = t0 + timedelta(hours=23)
            if self._p(0.4) or t_end >= tl.horizon:
                inv = self._invoice(c, t0, t0, pe, "open", None)
                if t_end < tl.horizon:
                    c.patch(t_end, status="incomplete_expired", ended_at=t_end)
                    inv.status = "void"
                    c.outcome, c.access_end = "expired", t_end
                else:
                    c.outcome = "incomplete"
                return c
            t_pay = t0 + timedelta(minutes=self._u(5, 1200))
            c.patch(t_pay, status="active")
            self._invoice(c, t0, t0, pe, "paid", t_pay)
            first_invoice_done = True
            anchor = t0
        else:
            anchor = t0
        return self._periods(c, spec, health, anchor, first_invoice_done)

    def _periods(self, c: Contract, spec: ContractSpec, health: np.ndarray, anchor: datetime,
                 first_invoice_done: bool) -> Contract:
        tl = self.tl
        c.paid_from = anchor
        c.events.append(("new", anchor, c.arr(anchor), True))
        k = 0
        while True:
            ps, pe = period_bound(anchor, c.interval, k), period_bound(anchor, c.interval, k + 1)
            if ps >= tl.horizon:
                return c
            if k > 0 or spec.trial or not first_invoice_done:
                c.patch(ps, status="active", current_period_start=ps, current_period_end=pe)
            hl = lagged(health, tl.month_of(ps)) + spec.renewal_boost * (k < 6)
            if k > 0:
                self._renewal_changes(c, spec, ps, hl)
                if c.interval == "year" and spec.kind != "addon":
                    c.events.append(("renewal", ps, c.arr(ps), True))
            if not (k == 0 and first_invoice_done):
                if self._billing(c, ps, pe, hl):
                    return c
            cancel = self._churn_decision(c, spec, ps, pe, hl)
            if spec.forced_end is not None and spec.forced_end < pe:
                t_f = max(spec.forced_end, ps + timedelta(hours=1))
                cancel = (t_f, True, None) if t_f < tl.horizon else None
            stop = cancel[0] if cancel else pe
            self._mid_term(c, spec, health, ps, min(stop, pe, tl.horizon))
            if cancel is not None:
                t_c, immediate, saved = cancel
                if immediate:
                    c.patch(t_c, status="canceled", canceled_at=t_c, ended_at=t_c)
                    c.outcome, c.access_end = "churned", t_c
                    return c
                c.patch(t_c, cancel_at_period_end=True, canceled_at=t_c)
                if saved is not None:
                    c.patch(saved, cancel_at_period_end=False, canceled_at=None)
                elif pe < tl.horizon:
                    c.patch(pe, status="canceled", ended_at=pe)
                    c.outcome, c.access_end = "churned", pe
                    if c.interval == "year" and spec.kind != "addon":
                        c.events.append(("renewal", pe, c.arr(pe), False))
                    return c
                else:  # the customer said no before the renewal date: the renewal is lost now
                    if c.interval == "year" and spec.kind != "addon":
                        c.events.append(("renewal", t_c, c.arr(t_c), False))
                    return c
            elif pe >= tl.horizon and c.interval == "year" and spec.kind != "addon":
                c.events.append(("renewal", pe, c.arr(ps), None))  # open renewal opportunity
            k += 1

    def _billing(self, c: Contract, ps: datetime, pe: datetime, hl: float) -> bool:
        """Invoice the period; failed payments go past_due, then recover or end unpaid. True if it ended."""
        tl = self.tl
        send_invoice = c.interval == "year" and c.kind != "addon"
        if send_invoice:
            due = ps + timedelta(days=30)
            paid_at = ps + timedelta(days=self._u(1, 28) if self._p(0.85) else self._u(31, 60))
            if paid_at > due and due < tl.horizon:
                c.patch(due, status="past_due")
                if paid_at < tl.horizon:
                    c.patch(paid_at, status="active")
            if ps > tl.horizon - timedelta(days=3):  # finance has not sent it yet
                self._invoice(c, ps, ps, pe, "draft", None, due=due)
            else:
                self._invoice(c, ps, ps, pe, "paid" if paid_at < tl.horizon else "open", paid_at, due=due)
            return False
        if not self._p(0.02 + 0.05 * sigmoid(-2.0 * (hl + 0.7))):
            self._maybe_void_and_reissue(c, ps, pe)
            return False
        t_fail = ps + timedelta(minutes=self._u(30, 240))
        if t_fail >= tl.horizon:
            self._invoice(c, ps, ps, pe, "open", None)
            return False
        c.patch(t_fail, status="past_due")
        if self._p(0.78):
            t_paid = ps + timedelta(days=self._u(1, 12))
            if t_paid < tl.horizon:
                c.patch(t_paid, status="active")
            self._invoice(c, ps, ps, pe, "paid" if t_paid < tl.horizon else "open", t_paid)
            return False
        t_unpaid = ps + timedelta(days=self._u(14, 21))
        t_cancel = t_unpaid + timedelta(days=self._u(5, 15))
        ended = t_cancel < tl.horizon
        if t_unpaid < tl.horizon:
            c.patch(t_unpaid, status="unpaid")
        if ended:
            c.patch(t_cancel, status="canceled", canceled_at=t_cancel, ended_at=t_cancel)
            c.outcome, c.access_end = "churned_unpaid", t_cancel
        self._invoice(c, ps, ps, pe, "uncollectible" if ended else "open", t_cancel if ended else None)
        return ended

    def _maybe_void_and_reissue(self, c: Contract, ps: datetime, pe: datetime) -> None:
        if self._p(0.01):
            self._invoice(c, ps, ps, pe, "void", ps + timedelta(minutes=30))
            ps2 = ps + timedelta(minutes=int(self._u(40, 300)))
            self._invoice(c, min(ps2, self.tl.horizon - timedelta(seconds=1)), ps, pe, "paid", ps2)
        else:
            self._invoice(c, ps, ps, pe, "paid", ps + timedelta(seconds=int(self._u(5, 120))))

    def _churn_decision(self, c: Contract, spec: ContractSpec, ps: datetime, pe: datetime,
                        hl: float) -> tuple[datetime, bool, datetime | None] | None:
        base = {"month": -3.8, "quarter": -3.1, "year": -1.9, "week": -5.4}[c.interval]
        if not self._p(sigmoid(base - 1.6 * hl)):
            return None
        span = (pe - ps).total_seconds()
        if c.interval in ("month", "week") and self._p(0.2):
            t_now = ps + timedelta(seconds=int(span * self._u(0.1, 0.9)))
            return (t_now, True, None) if t_now < self.tl.horizon else None
        if c.interval in ("month", "week"):
            t_c = ps + timedelta(seconds=int(span * self._u(0.15, 0.9)))
        else:
            lead_days = self._u(20, 75) if c.interval == "year" else self._u(10, 40)
            t_c = max(pe - timedelta(days=lead_days), ps + timedelta(hours=2))
        if t_c >= self.tl.horizon:
            return None
        saved = None
        if self._p(0.12):
            t_s = t_c + timedelta(days=self._u(1, 10))
            if t_s < min(pe, self.tl.horizon):
                saved = t_s
        return t_c, False, saved

    def _renewal_changes(self, c: Contract, spec: ContractSpec, ps: datetime, hl: float) -> None:
        """At renewal: term plans shed seats and unused add-ons when the customer struggles."""
        if spec.kind == "addon":
            return
        main = c.main_item
        price, qty = main.changes[-1][1], main.changes[-1][2]
        p_down = (0.04 + 0.3 * sigmoid(-2.0 * (hl + 0.5))) if c.interval != "month" else 0.0
        if qty > 1 and self._p(p_down):
            new = max(1, qty - max(1, int(qty * self._u(0.1, 0.35))))
            main.changes.append((ps, price, new))
        for item in c.items[1:]:
            if item.deleted_at is None and item.created < ps and self._p(0.05 + 0.3 * sigmoid(-2.0 * (hl + 0.5))):
                item.deleted_at = ps

    def _mid_term(self, c: Contract, spec: ContractSpec, health: np.ndarray, ps: datetime, stop: datetime) -> None:
        """Monthly checkpoints inside the period: seats, upgrades, cross-sells, save-offers."""
        if spec.kind == "addon":
            return
        months = PLAN_INTERVALS[c.interval][2]
        for j in range(months):
            t = add_months(ps, j) + timedelta(days=self._u(2, 26), seconds=int(self._u(0, 86400)))
            if t >= stop:
                return
            self._checkpoint(c, spec, t, self._h(health, t))

    def _checkpoint(self, c: Contract, spec: ContractSpec, t: datetime, h: float) -> None:
        main = c.main_item
        if main.changes[-1][0] >= t or main.deleted_at is not None:
            return
        price, qty = main.changes[-1][1], main.changes[-1][2]
        arr_before = c.arr(t)
        if self._p(0.008 + 0.07 * sigmoid(2.0 * (h - 0.4))):
            new = qty + max(1, int(np.ceil(qty * self._u(0.05, 0.25))))
            main.changes.append((t, price, new))
            if new >= qty * 1.1:
                c.events.append(("upsell", t, c.arr(t) - arr_before, True))
        elif c.interval == "month" and qty > 1 and self._p(0.01 + 0.06 * sigmoid(-2.0 * (h + 0.5))):
            main.changes.append((t, price, max(1, qty - max(1, int(qty * self._u(0.1, 0.35))))))
        elif price.product_key in ("starter", "growth") and self._p(0.015 * sigmoid(2.0 * (h - 0.3))):
            nxt = "growth" if price.product_key == "starter" else "enterprise"
            if qty >= (8 if nxt == "growth" else 40):
                if self._p(0.5):  # the plan item is swapped: old item deleted, a new one created
                    main.deleted_at = t
                    c.items.insert(0, Item(self.ids.item.next(), t, [(t, self._price(nxt, c), qty)]))
                else:
                    main.changes.append((t, self._price(nxt, c), qty))
                c.events.append(("upsell", t, c.arr(t) - arr_before, True))
        elif self._p(0.012 * sigmoid(2.0 * (h - 0.2))):
            self._cross_sell(c, t, qty)
        if h < -0.6 and not self._discount_in_force(c, t) and self._p(0.06):
            self._discount(c, "RETAIN20-6M", t)

    def _cross_sell(self, c: Contract, t: datetime, seats: int) -> None:
        have = {i.product_key for i in c.items if i.deleted_at is None}
        arr_before = c.arr(t)
        if "analytics" not in have and c.main_item.changes[-1][1].product_key != "starter":
            qty = max(1, round(seats * self._u(0.25, 0.8)))
            c.items.append(Item(self.ids.item.next(), t, [(t, self._price("analytics", c), qty)]))
        elif "support" not in have and seats >= 30:
            c.items.append(Item(self.ids.item.next(), t, [(t, self._price("support", c), 1)]))
        else:
            return
        c.events.append(("cross_sell", t, c.arr(t) - arr_before, True))
