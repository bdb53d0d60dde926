"""Salesforce user, account and contact rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from loyalty.contract import table

from .accounts import Crm
from .config import Timeline
from .writer import TableBuffer


def synced_after(t: datetime, tl: Timeline, rng: np.random.Generator) -> datetime:
    return min(t + timedelta(minutes=float(rng.uniform(5, 720))), tl.horizon - timedelta(seconds=1))


def user_rows(crm: Crm, tl: Timeline, rng: np.random.Generator) -> TableBuffer:
    buf = TableBuffer(table("salesforce.user"))
    for u in crm.users:
        buf.add(id=u.id, name=u.name, email=u.email, is_active=u.is_active,
                _fivetran_synced=synced_after(max(u.created, tl.start), tl, rng))
    return buf


def account_rows(crm: Crm, tl: Timeline, rng: np.random.Generator) -> TableBuffer:
    buf = TableBuffer(table("salesforce.account"))
    for a in crm.accounts:
        touched = a.created + timedelta(days=float(rng.uniform(0, max((tl.horizon - a.created).days, 1))))
        buf.add(id=a.id, name=a.name, parent_id=a.parent_id, master_record_id=a.master_id, type=a.type,
                industry=a.industry, account_source=a.source, number_of_employees=a.employees,
                billing_country=a.country, owner_id=a.owner_id, created_date=a.created, is_deleted=a.is_deleted,
                _fivetran_synced=synced_after(max(touched, a.created), tl, rng))
    return buf


def contact_rows(crm: Crm, tl: Timeline, rng: np.random.Generator) -> TableBuffer:
    buf = TableBuffer(table("salesforce.contact"))
    for c in crm.contacts:
        buf.add(id=c.id, account_id=c.account_id, email=c.email, first_name=c.first_name, last_name=c.last_name,
                title=c.title, is_deleted=False, created_date=c.created,
                _fivetran_synced=synced_after(c.created, tl, rng))
    return buf
