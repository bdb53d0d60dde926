"""Stripe raw tables from the simulated contracts (history mode for subscriptions and items)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from loyalty.contract import table

from .catalog import Catalog
from .config import Timeline
from .contracts import SUB_FIELDS, Contract, Invoice
from .customers import Business
from .ids import Ids
from .timeutil import OPEN_END
from .writer import TableBuffer


def _synced(t: datetime, tl: Timeline, rng: np.random.Generator) -> datetime:
    return min(t + timedelta(minutes=float(rng.uniform(3, 600))), tl.horizon - timedelta(seconds=1))


def subscription_versions(c: Contract, horizon: datetime) -> list[tuple[datetime, dict[str, object]]]:
    """Fold the contract's patches into history versions (one per instant with a change)."""
    versions: list[tuple[datetime, dict[str, object]]] = []
    state: dict[str, object] = {}
    for t, _, values in sorted((p for p in c.patches if p[0] < horizon), key=lambda p: (p[0], p[1])):
        state = {**state, **values}
        if versions and versions[-1][0] == t:
            versions[-1] = (t, state)
        elif not versions or versions[-1][1] != state:
            versions.append((t, state))
    return versions


def subscription_rows(business: Business, tl: Timeline) -> TableBuffer:
    buf = TableBuffer(table("stripe.subscription_history"))
    for c in business.contracts:
        versions = subscription_versions(c, tl.horizon)
        for i, (start, state) in enumerate(versions):
            last = i == len(versions) - 1
            buf.add(id=c.sub_id, **{f: state.get(f) for f in SUB_FIELDS}, _fivetran_start=start,
                    _fivetran_end=OPEN_END if last else versions[i + 1][0], _fivetran_active=last)
    return buf


def item_rows(business: Business, tl: Timeline) -> TableBuffer:
    buf = TableBuffer(table("stripe.subscription_item_history"))
    for c in business.contracts:
        for item in c.items:
            changes: list[tuple[datetime, str, int]] = []
            for t, price, qty in sorted(item.changes, key=lambda x: x[0]):
                if t >= tl.horizon:
                    continue
                if changes and changes[-1][0] == t:
                    changes[-1] = (t, price.id, qty)
                elif not changes or changes[-1][1:] != (price.id, qty):
                    changes.append((t, price.id, qty))
            deleted = item.deleted_at is not None and item.deleted_at < tl.horizon
            for i, (start, price_id, qty) in enumerate(changes):
                last = i == len(changes) - 1
                end = (item.deleted_at if deleted else OPEN_END) if last else changes[i + 1][0]
                buf.add(id=item.id, subscription_id=c.sub_id, price_id=price_id, quantity=qty, created=item.created,
                        _fivetran_start=start, _fivetran_end=end, _fivetran_active=last and not deleted,
                        _fivetran_deleted=last and deleted)
    return buf


def customer_rows(business: Business, tl: Timeline, rng: np.random.Generator) -> TableBuffer:
    buf = TableBuffer(table("stripe.customer"))
    last_change: dict[str, datetime] = {}
    for c in business.contracts:
        latest = max((p[0] for p in c.patches if p[0] < tl.horizon), default=c.start)
        last_change[c.billing.id] = max(last_change.get(c.billing.id, latest), latest)
    for b in business.billing_customers:
        buf.add(id=b.id, email=b.email, name=b.name, currency=b.currency, created=b.created, delinquent=b.delinquent,
                metadata=b.metadata, is_deleted=b.is_deleted,
                _fivetran_synced=_synced(last_change.get(b.id, b.created), tl, rng))
    return buf


def catalog_rows(catalog: Catalog, tl: Timeline,
                 rng: np.random.Generator) -> tuple[TableBuffer, TableBuffer, TableBuffer]:
    products = TableBuffer(table("stripe.product"))
    prices = TableBuffer(table("stripe.price"))
    coupons = TableBuffer(table("stripe.coupon"))
    first_sync = tl.start - timedelta(days=2)
    for p in catalog.products:
        products.add(id=p.id, name=p.name, active=p.active, _fivetran_synced=_synced(first_sync, tl, rng))
    for pr in catalog.prices:
        interval, count = pr.recurring
        prices.add(id=pr.id, product_id=pr.product_id, currency=pr.currency, unit_amount=pr.unit_amount,
                   recurring_interval=interval, recurring_interval_count=count, active=pr.active,
                   nickname=pr.nickname, _fivetran_synced=_synced(first_sync, tl, rng))
    for cp in catalog.coupons:
        coupons.add(id=cp.id, percent_off=None if cp.percent_off is None else f"{cp.percent_off:g}",
                    amount_off=cp.amount_off, currency=cp.currency, duration=cp.duration,
                    duration_in_months=cp.duration_in_months, _fivetran_synced=_synced(first_sync, tl, rng))
    return products, prices, coupons


def discount_rows(business: Business, tl: Timeline, rng: np.random.Generator) -> TableBuffer:
    buf = TableBuffer(table("stripe.subscription_discount"))
    for c in business.contracts:
        for d in c.discounts:
            if d.start >= tl.horizon:
                continue
            buf.add(id=d.id, subscription_id=c.sub_id, coupon_id=d.coupon.id, customer_id=c.billing.id,
                    start=d.start, end=d.end, _fivetran_synced=_synced(d.start, tl, rng))
    return buf


def one_off_invoices(business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> list[Invoice]:
    """Onboarding-package invoices (no subscription) for larger new contracts; recent ones still drafts."""
    out: list[Invoice] = []
    for c in business.contracts:
        if c.kind != "main" or c.paid_from is None or business.profiles[c.customer].size_band < 2:
            continue
        if rng.random() >= 0.4:
            continue
        price = business.catalog.price("onboarding", c.currency, "once")
        created = c.paid_from + timedelta(days=float(rng.uniform(0, 20)))
        if created >= tl.horizon:
            continue
        draft = created > tl.horizon - timedelta(days=10)
        due = created + timedelta(days=30)
        status = "draft" if draft else "paid"
        out.append(Invoice(ids.invoice.next(), status, created, due, created, created, price.unit_amount,
                           0 if draft else price.unit_amount, _synced(created, tl, rng), None, c.billing.id,
                           c.currency))
    return out


def invoice_rows(business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> TableBuffer:
    buf = TableBuffer(table("stripe.invoice"))
    invoices = [i for c in business.contracts for i in c.invoices] + one_off_invoices(business, ids, tl, rng)
    for inv in invoices:
        if inv.created >= tl.horizon:
            continue
        buf.add(id=inv.id, customer_id=inv.customer_id, subscription_id=inv.subscription_id, status=inv.status,
                created=inv.created, due_date=inv.due, period_start=inv.period_start, period_end=inv.period_end,
                total=inv.total, amount_paid=inv.amount_paid, currency=inv.currency, _fivetran_synced=inv.synced)
    return buf
