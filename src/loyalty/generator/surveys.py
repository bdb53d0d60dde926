"""Delighted persons and NPS / CSAT / CES responses, driven by health and support experience."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from loyalty.contract import table

from . import names
from .accounts import Contact
from .config import Timeline
from .crm_activity import ActivityBuilder, month_slices
from .customers import Business
from .ids import Ids
from .usage import UsageBuilder
from .writer import TableBuffer


class SurveyBuilder:
    def __init__(self, business: Business, ids: Ids, tl: Timeline, rng: np.random.Generator) -> None:
        self.b = business
        self.ids = ids
        self.tl = tl
        self.rng = rng
        self.persons = TableBuffer(table("delighted.person"))
        self.responses = TableBuffer(table("delighted.survey_response"))
        self.person_of: dict[str, list] = {}  # normalised email -> [id, email as typed, name, first survey]
        self.contacts = {c.id: c for c in business.crm.contacts}

    def _u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def _email_variant(self, email: str) -> str:
        """Delighted keeps what the sender typed: sometimes other case or stray spaces."""
        r = self.rng.random()
        if r < 0.12:
            local, domain = email.split("@", 1)
            return f"{local.title()}@{domain.capitalize()}"
        if r < 0.17:
            return f" {email} " if self.rng.random() < 0.5 else f"{email.upper()}"
        return email

    def person(self, email: str, name: str, at: datetime) -> str:
        """The respondent's person id; created when first surveyed."""
        key = email.strip().lower()
        entry = self.person_of.get(key)
        if entry is None:
            entry = [self.ids.person.next(), self._email_variant(email), name, at]
            self.person_of[key] = entry
        entry[3] = min(entry[3], at)
        return entry[0]

    def finish(self) -> None:
        for pid, email, name, created in self.person_of.values():
            synced = min(created + timedelta(hours=self._u(1, 24)), self.tl.horizon - timedelta(seconds=1))
            self.persons.add(id=pid, email=email, name=name, created_at=created, _fivetran_synced=synced)

    def respond(self, person_id: str, kind: str, score: int, sent: datetime, comment: str | None) -> None:
        tl = self.tl
        created = sent + timedelta(minutes=self._u(2, 60 * 48))
        if created >= tl.horizon:
            return
        updated = created
        if comment is not None and self.rng.random() < 0.35:
            updated = min(created + timedelta(minutes=self._u(1, 90)), tl.horizon - timedelta(seconds=2))
        synced = min(updated + timedelta(minutes=self._u(5, 600)), tl.horizon - timedelta(seconds=1))
        self.responses.add(id=self.ids.response.next(), person_id=person_id, survey_type=kind, score=score,
                           comment=comment, permalink=f"https://delighted.com/r/{self.ids.permalink.next()}",
                           created_at=created, updated_at=updated, _fivetran_synced=synced)

    def nps_score(self, h: float, role: str) -> int:
        bonus = 0.4 if role in ("champion", "admin") else (-0.3 if role == "billing" else 0.0)
        return int(np.clip(round(7.2 + 1.7 * h + bonus + self.rng.normal(0, 1.5)), 0, 10))

    def comment(self, kind: str, score: int) -> str | None:
        if self.rng.random() > 0.45:
            return None
        if kind == "nps":
            pool = names.NPS_COMMENTS["promoter" if score >= 9 else "passive" if score >= 7 else "detractor"]
        else:
            good = score >= (4 if kind == "csat" else 5)
            pool = names.CSAT_COMMENTS["good" if good else "bad"]
        return pool[int(self.rng.integers(len(pool)))]

    def relationship_nps(self, usage: UsageBuilder) -> None:
        """Twice a year: CRM contacts by e-mail, plus an in-app survey to a few product users."""
        tl, rng = self.tl, self.rng
        for c in self.b.contracts:
            if c.kind == "addon" or c.paid_from is None:
                continue
            end = c.access_end or tl.horizon
            health = self.b.health[c.customer]
            for m, lo, hi in month_slices(c.paid_from, end, tl):
                if (m - tl.month_of(c.paid_from)) % 6 != 3:
                    continue
                h = float(health[m])
                sent = lo + timedelta(days=self._u(0, max((hi - lo).days, 1)))
                recipients = [x for x in self.b.crm.contacts_of.get(c.account_id, []) if x.created < sent]
                for contact in recipients[:4]:
                    if rng.random() < 0.3 + 0.08 * h:
                        score = self.nps_score(h, contact.role)
                        pid = self.person(contact.email, f"{contact.first_name} {contact.last_name}", sent)
                        self.respond(pid, "nps", score, sent, self.comment("nps", score))
                in_app = [u for u in usage.user_email.get(c.customer, []) if u[2] < sent]
                for _ in range(min(2, len(in_app))):
                    email, name, _ = in_app[int(rng.integers(len(in_app)))]
                    if rng.random() < 0.25:
                        score = self.nps_score(h, "user")
                        self.respond(self.person(email, name, sent), "nps", score, sent, self.comment("nps", score))

    def onboarding_ces(self) -> None:
        for c in self.b.contracts:
            if c.kind == "addon" or c.paid_from is None:
                continue
            sent = c.paid_from + timedelta(days=self._u(30, 40))
            if sent >= (c.access_end or self.tl.horizon):
                continue
            champ = next((x for x in self.b.crm.contacts_of.get(c.account_id, []) if x.role == "champion"), None)
            if champ is None or self.rng.random() > 0.5:
                continue
            h = float(self.b.health[c.customer][self.tl.month_of(sent)])
            score = int(np.clip(round(5.0 + 0.9 * h + self.rng.normal(0, 1.0)), 1, 7))
            pid = self.person(champ.email, f"{champ.first_name} {champ.last_name}", sent)
            self.respond(pid, "ces", score, sent, self.comment("ces", score))

    def after_cases(self, activity: ActivityBuilder) -> None:
        """CSAT (and sometimes CES) after a closed case; escalations hurt."""
        rng = self.rng
        for customer, _case_id, contact_id, _created, closed, escalated in activity.case_log:
            if closed is None or rng.random() > 0.35:
                continue
            contact: Contact = self.contacts[contact_id]
            h = float(self.b.health[customer][self.tl.month_of(closed)])
            pid = self.person(contact.email, f"{contact.first_name} {contact.last_name}", closed)
            csat = int(np.clip(round(3.9 + 0.6 * h - 1.0 * escalated + rng.normal(0, 0.8)), 1, 5))
            self.respond(pid, "csat", csat, closed, self.comment("csat", csat))
            if rng.random() < 0.2:
                ces = int(np.clip(round(5.0 + 0.8 * h - 1.2 * escalated + rng.normal(0, 1.0)), 1, 7))
                self.respond(pid, "ces", ces, closed, self.comment("ces", ces))


def build_surveys(business: Business, usage: UsageBuilder, activity: ActivityBuilder, ids: Ids, tl: Timeline,
                  rng: np.random.Generator) -> SurveyBuilder:
    builder = SurveyBuilder(business, ids, tl, rng)
    builder.relationship_nps(usage)
    builder.onboarding_ces()
    builder.after_cases(activity)
    builder.finish()
    return builder
