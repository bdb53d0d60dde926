"""CRM structure: Salesforce users (CSMs, AEs), accounts with hierarchies,
merged duplicates and prospects, and their contacts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from . import names
from .config import Timeline
from .ids import Ids
from .profiles import INDUSTRIES, SIZE_BANDS, Profile, company_name


@dataclass
class SfUser:
    id: str
    name: str
    email: str
    role: str  # csm | ae | manager
    is_active: bool
    created: datetime


@dataclass
class Account:
    id: str
    name: str
    domain: str
    role: str  # customer | child | duplicate | prospect
    customer: int | None  # profile index of the ultimate parent (None: prospect)
    parent_id: str | None
    master_id: str | None
    industry: str
    source: str
    employees: int | None
    country: str
    owner_id: str
    created: datetime
    is_deleted: bool = False
    type: str = "Prospect"
    depth: int = 0


@dataclass
class Contact:
    id: str
    account_id: str
    customer: int | None
    email: str
    first_name: str
    last_name: str
    title: str
    role: str  # sponsor | champion | billing | user
    created: datetime


@dataclass
class Crm:
    users: list[SfUser]
    csms: list[SfUser]
    aes: list[SfUser]
    accounts: list[Account] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    root: dict[int, Account] = field(default_factory=dict)
    children: dict[int, list[Account]] = field(default_factory=dict)
    duplicates: dict[int, list[Account]] = field(default_factory=dict)
    contacts_of: dict[str, list[Contact]] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)


class People:
    """Unique person names and e-mail addresses per domain."""

    def __init__(self, rng: np.random.Generator, emails: set[str]) -> None:
        self.rng = rng
        self.emails = emails

    def person(self, domain: str) -> tuple[str, str, str]:
        rng = self.rng
        for attempt in range(50):
            first = names.FIRST_NAMES[int(rng.integers(len(names.FIRST_NAMES)))]
            last = names.LAST_NAMES[int(rng.integers(len(names.LAST_NAMES)))]
            local = f"{first}.{last}".lower() + (str(attempt) if attempt > 5 else "")
            email = f"{local}@{domain}"
            if email not in self.emails:
                self.emails.add(email)
                return first, last, email
        raise RuntimeError(f"could not find a free e-mail address at {domain}")


def _uniform_time(rng: np.random.Generator, lo: datetime, hi: datetime) -> datetime:
    span = max((hi - lo).total_seconds(), 1.0)
    return lo + timedelta(seconds=int(rng.random() * span))


def build_users(customers: int, ids: Ids, tl: Timeline, rng: np.random.Generator) -> Crm:
    """Salesforce users: CSMs own accounts, AEs own new-business opportunities."""
    people = People(rng, set())
    users: list[SfUser] = []

    def add(role: str, count: int) -> list[SfUser]:
        out = []
        for _ in range(count):
            first, last, email = people.person("loopwise.io")
            created = _uniform_time(rng, tl.start - timedelta(days=900), tl.start)
            u = SfUser(ids.sf_user.next(), f"{first} {last}", email, role, True, created)
            users.append(u)
            out.append(u)
        return out

    csms = add("csm", max(3, math.ceil(customers / 35)))
    aes = add("ae", max(2, math.ceil(customers / 50)))
    add("manager", 2)
    for extra in add("csm", max(1, len(csms) // 6)):  # CSMs who left: own history only
        extra.is_active = False
    return Crm(users=users, csms=csms, aes=aes)


def _add_contacts(crm: Crm, people: People, account: Account, count: int, tl: Timeline,
                  ids: Ids, rng: np.random.Generator) -> None:
    roles = ["champion", "sponsor", "billing"] + ["user"] * max(count - 3, 0)
    for k in range(count):
        role = roles[k] if k < len(roles) else "user"
        titles = {"champion": names.CHAMPION_TITLES, "sponsor": names.SPONSOR_TITLES,
                  "billing": names.BILLING_TITLES, "user": names.OTHER_TITLES}[role]
        first, last, email = people.person(account.domain)
        if k < 3:
            created = account.created + timedelta(days=float(rng.uniform(0, 20)))
        else:
            created = _uniform_time(rng, account.created, tl.horizon - timedelta(hours=1))
        created = min(created, tl.horizon - timedelta(hours=1))
        c = Contact(ids.contact.next(), account.id, account.customer, email, first, last,
                    titles[int(rng.integers(len(titles)))], role, created)
        crm.contacts.append(c)
        crm.contacts_of.setdefault(account.id, []).append(c)


def build_accounts(crm: Crm, profiles: list[Profile], ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
    """Customer accounts (+ hierarchies and merged duplicates), prospects, contacts."""
    people = People(rng, crm.emails)
    for p in profiles:
        owner = crm.csms[p.csm % len(crm.csms)].id
        created = p.acquired - timedelta(days=float(rng.uniform(10, 150)))
        root = Account(ids.account.next(), p.name, p.domain, "customer", p.index, None, None, p.industry,
                       p.channel, p.employees, p.country, owner, created)
        crm.accounts.append(root)
        crm.root[p.index] = root
        _add_contacts(crm, people, root, int(rng.integers(2, 5)) + p.size_band, tl, ids, rng)
        _add_hierarchy(crm, people, p, root, ids, tl, rng)
        _add_duplicates(crm, people, p, root, ids, tl, rng)
    _add_prospects(crm, people, len(profiles), ids, tl, rng)


def _add_hierarchy(crm: Crm, people: People, p: Profile, root: Account, ids: Ids, tl: Timeline,
                   rng: np.random.Generator) -> None:
    if rng.random() >= (0.03, 0.06, 0.15, 0.35, 0.6)[p.size_band]:
        return
    kids: list[Account] = []
    latest = tl.horizon - timedelta(days=30)
    stem = p.name.rsplit(" ", 1)[0] if " " in p.name else p.name
    regions = list(names.REGIONS)
    rng.shuffle(regions)

    def child(parent: Account, depth: int) -> Account:
        region = regions.pop() if regions else f"Unit {len(kids) + 1}"
        created = min(parent.created + timedelta(days=float(rng.uniform(30, 700))), latest)
        created = max(created, parent.created + timedelta(days=1))
        employees = None if p.employees is None else max(5, int(p.employees * rng.uniform(0.05, 0.4)))
        acc = Account(ids.account.next(), f"{stem} {region}", p.domain, "child", p.index, parent.id, None,
                      p.industry, p.channel, employees, p.country, parent.owner_id, created, depth=depth)
        crm.accounts.append(acc)
        kids.append(acc)
        _add_contacts(crm, people, acc, int(rng.integers(1, 4)), tl, ids, rng)
        return acc

    for _ in range(int(rng.integers(1, 4))):
        c1 = child(root, 1)
        if rng.random() < 0.35:
            for _ in range(int(rng.integers(1, 3))):
                child(c1, 2)
    crm.children[p.index] = kids


def _add_duplicates(crm: Crm, people: People, p: Profile, root: Account, ids: Ids, tl: Timeline,
                    rng: np.random.Generator) -> None:
    """A rep created the account again; it was merged into the survivor (sometimes via a chain)."""
    if rng.random() >= 0.07:
        return
    stem = p.name.rsplit(" ", 1)[0]
    variants = (stem, stem.upper(), p.name.replace(".", ""), f"{stem} (old)")
    dups: list[Account] = []
    master = root
    for _ in range(2 if rng.random() < 0.25 else 1):
        latest = min(p.acquired + timedelta(days=200), tl.horizon - timedelta(days=2))
        created = _uniform_time(rng, root.created, latest)
        acc = Account(ids.account.next(), variants[int(rng.integers(len(variants)))], p.domain, "duplicate",
                      p.index, None, master.id, p.industry, p.channel, None, p.country, root.owner_id, created,
                      is_deleted=True, type="Prospect")
        crm.accounts.append(acc)
        dups.append(acc)
        _add_contacts(crm, people, acc, int(rng.integers(1, 3)), tl, ids, rng)
        master = acc  # a second duplicate was merged into the first: a merge chain
    crm.duplicates[p.index] = dups


def _add_prospects(crm: Crm, people: People, customers: int, ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
    """Accounts that never bought (pipeline): some soft-deleted without a merge."""
    used = {a.domain for a in crm.accounts}
    for _ in range(max(1, round(0.2 * customers))):
        industry = INDUSTRIES[int(rng.integers(len(INDUSTRIES)))][0]
        country = ("US", "GB", "DE", "FR", "JP", "AU")[int(rng.integers(6))]
        name, domain = company_name(rng, industry, country)
        n = 2
        base = domain
        while domain in used:
            stem, tld = base.split(".", 1)
            domain, n = f"{stem}{n}.{tld}", n + 1
        used.add(domain)
        band = int(rng.integers(len(SIZE_BANDS)))
        _, lo, hi, *_ = SIZE_BANDS[band]
        acc = Account(ids.account.next(), name, domain, "prospect", None, None, None, industry,
                      ("Inbound", "Outbound", "Event", "Paid Search")[int(rng.integers(4))],
                      int(math.exp(rng.uniform(math.log(lo), math.log(hi)))), country,
                      crm.aes[int(rng.integers(len(crm.aes)))].id,
                      _uniform_time(rng, tl.start, tl.horizon - timedelta(days=3)),
                      is_deleted=bool(rng.random() < 0.1))
        crm.accounts.append(acc)
        _add_contacts(crm, people, acc, int(rng.integers(1, 4)), tl, ids, rng)
