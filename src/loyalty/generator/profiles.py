"""Customer profiles: firmographics, acquisition channel, first purchase and plan."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from . import names
from .config import Timeline

# (size band, min employees, max employees, share of customers, seat range, health shift)
SIZE_BANDS = (
    ("1-49", 5, 49, 0.30, (3, 12), -0.15),
    ("50-199", 50, 199, 0.30, (8, 30), 0.0),
    ("200-999", 200, 999, 0.22, (20, 80), 0.1),
    ("1000-4999", 1000, 4999, 0.12, (50, 200), 0.2),
    ("5000+", 5000, 60000, 0.06, (100, 400), 0.25),
)
# acquisition channel (Salesforce account_source), share, health shift (fit)
CHANNELS = (
    ("Inbound", 0.28, 0.05), ("Outbound", 0.18, -0.1), ("Partner", 0.12, 0.15),
    ("Paid Search", 0.15, -0.25), ("Event", 0.12, 0.0), ("Referral", 0.15, 0.25),
)
# country, share, billing currency, UTC offset hours of business day
COUNTRIES = (
    ("US", 0.42, "usd", -6.0), ("CA", 0.04, "usd", -5.0), ("GB", 0.12, "gbp", 0.0), ("IE", 0.02, "eur", 0.0),
    ("DE", 0.10, "eur", 1.0), ("FR", 0.06, "eur", 1.0), ("NL", 0.04, "eur", 1.0), ("ES", 0.02, "eur", 1.0),
    ("JP", 0.06, "jpy", 9.0), ("AU", 0.06, "usd", 10.0), ("SG", 0.03, "usd", 8.0), ("BR", 0.03, "usd", -3.0),
)
INDUSTRIES = (
    ("Software", 0.2), ("Financial Services", 0.12), ("Healthcare", 0.1), ("Retail", 0.12),
    ("Manufacturing", 0.1), ("Education", 0.06), ("Media", 0.06), ("Professional Services", 0.1),
    ("Logistics", 0.06), ("Hospitality", 0.05), ("Non-profit", 0.03),
)
TIERS = ("starter", "growth", "enterprise")
# per size band: tier shares, interval shares (month, quarter, year)
TIER_MIX = ((0.75, 0.25, 0.0), (0.35, 0.6, 0.05), (0.05, 0.65, 0.3), (0.0, 0.4, 0.6), (0.0, 0.15, 0.85))
INTERVAL_MIX = ((0.65, 0.1, 0.25), (0.4, 0.2, 0.4), (0.15, 0.15, 0.7), (0.05, 0.1, 0.85), (0.0, 0.05, 0.95))
INTERVALS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Profile:
    index: int
    name: str
    domain: str
    industry: str
    size_band: int  # index into SIZE_BANDS
    employees: int | None
    channel: str
    country: str
    currency: str
    tz_hours: float
    acquired: datetime  # first contract starts
    tier: str
    interval: str  # month | quarter | year
    seats: int
    trial: bool
    mu: float  # baseline latent health
    csm: int  # index into the CSM list

    @property
    def band_label(self) -> str:
        return SIZE_BANDS[self.size_band][0]


def _pick(rng: np.random.Generator, weights: tuple[float, ...]) -> int:
    w = np.asarray(weights, dtype=float)
    return int(rng.choice(len(w), p=w / w.sum()))


def acquisition_times(count: int, tl: Timeline, rng: np.random.Generator) -> list[datetime]:
    """First-purchase instants: a launch cohort in month 0, then growing monthly intake."""
    months = np.arange(tl.months)
    weights = np.exp(0.03 * months)
    weights /= weights.sum()
    launch = rng.random(count) < (0.3 if tl.months > 2 else 0.0)
    month = np.where(launch, 0, rng.choice(tl.months, size=count, p=weights))
    out = []
    for m, u in zip(month.tolist(), rng.random(count).tolist(), strict=True):
        lo = tl.month_start(m)
        hi = min(tl.month_start(m + 1), tl.horizon - timedelta(days=1))
        span = max((hi - lo).total_seconds(), 3600.0)
        out.append(lo + timedelta(seconds=int(u * span)))
    return sorted(out)


def company_name(rng: np.random.Generator, industry: str, country: str) -> tuple[str, str]:
    stem = names.COMPANY_STEMS[int(rng.integers(len(names.COMPANY_STEMS)))]
    word = names.COMPANY_WORDS[industry][int(rng.integers(5))]
    suffixes = names.LEGAL_SUFFIX[country]
    suffix = suffixes[int(rng.integers(len(suffixes)))]
    slug = f"{stem}{word}".lower().replace(" ", "").replace("-", "")
    return f"{stem} {word} {suffix}", f"{slug}.{names.TLD[country]}"


def draw_profiles(count: int, tl: Timeline, csm_count: int, rng: np.random.Generator) -> list[Profile]:
    """`count` customer profiles, ordered by first purchase."""
    acquired = acquisition_times(count, tl, rng)
    used_domains: set[str] = set()
    out: list[Profile] = []
    for i, when in enumerate(acquired):
        band = _pick(rng, tuple(b[3] for b in SIZE_BANDS))
        _, lo, hi, _, (s_lo, s_hi), size_shift = SIZE_BANDS[band]
        employees = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
        ch = CHANNELS[_pick(rng, tuple(c[1] for c in CHANNELS))]
        co = COUNTRIES[_pick(rng, tuple(c[1] for c in COUNTRIES))]
        industry = INDUSTRIES[_pick(rng, tuple(x[1] for x in INDUSTRIES))][0]
        name, domain = company_name(rng, industry, co[0])
        base_domain, n = domain, 2
        while domain in used_domains:
            stem, tld = base_domain.split(".", 1)
            domain, n = f"{stem}{n}.{tld}", n + 1
        used_domains.add(domain)
        tier = TIERS[_pick(rng, TIER_MIX[band])]
        interval = INTERVALS[_pick(rng, INTERVAL_MIX[band])]
        seats = int(round(math.exp(rng.uniform(math.log(s_lo), math.log(s_hi)))))
        trial = interval == "month" and ch[0] in ("Inbound", "Paid Search", "Referral") and rng.random() < 0.6
        mu = 0.35 + ch[2] + size_shift + (0.15 if industry == "Software" else 0.0) + rng.normal(0.0, 0.45)
        out.append(Profile(
            index=i, name=name, domain=domain, industry=industry, size_band=band,
            employees=None if rng.random() < 0.03 else employees, channel=ch[0], country=co[0], currency=co[2],
            tz_hours=co[3], acquired=when, tier=tier, interval=interval, seats=seats, trial=bool(trial),
            mu=float(mu), csm=int(rng.integers(csm_count)),
        ))
    return out
