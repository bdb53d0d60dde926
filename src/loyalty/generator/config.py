"""Book configuration, the book's timeline and seeded random streams."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from .timeutil import add_months

FORMATS = ("csv", "parquet")
DEFAULT_EVENTS_PER_USER_DAY = 0.4


@dataclass(frozen=True)
class BookConfig:
    """What to generate. `end_date` None means today (UTC)."""

    out_dir: Path
    seed: int = 42
    customers: int = 300
    months: int = 36
    end_date: date | None = None
    faults: bool = False
    formats: tuple[str, ...] = ("csv",)
    events_per_user_day: float = DEFAULT_EVENTS_PER_USER_DAY
    progress: Callable[[str], None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.customers < 1:
            raise ValueError(f"customers must be >= 1, got {self.customers}")
        if self.months < 1:
            raise ValueError(f"months must be >= 1, got {self.months}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        if self.events_per_user_day < 0:
            raise ValueError(f"events_per_user_day must be >= 0, got {self.events_per_user_day}")
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise ValueError(f"formats must be a non-empty subset of {FORMATS}, got {self.formats}")

    def resolved_end_date(self) -> date:
        return self.end_date or datetime.now(timezone.utc).date()

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


@dataclass(frozen=True)
class Timeline:
    """Months [start, horizon): month 0 starts `start`; nothing happens at or after `horizon`."""

    start: datetime
    horizon: datetime
    months: int

    @classmethod
    def of(cls, cfg: BookConfig) -> Timeline:
        end = cfg.resolved_end_date()
        last_month = datetime(end.year, end.month, 1)
        start = add_months(last_month, -(cfg.months - 1))
        horizon = datetime(end.year, end.month, end.day) + timedelta(days=1)
        return cls(start=start, horizon=horizon, months=cfg.months)

    @property
    def end_date(self) -> date:
        return (self.horizon - timedelta(days=1)).date()

    def month_start(self, index: int) -> datetime:
        return add_months(self.start, index)

    def month_of(self, instant: datetime) -> int:
        """Month index of an instant, clamped to [0, months - 1]."""
        index = (instant.year - self.start.year) * 12 + instant.month - self.start.month
        return min(max(index, 0), self.months - 1)

    @property
    def days(self) -> int:
        return (self.horizon - self.start).days


def stream(seed: int, *keys: int) -> np.random.Generator:
    """An independent PCG64 stream for (seed, *keys): one per purpose and entity."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *keys])))


# Stream keys: one per purpose, so changing one part never shifts another's draws.
S_CATALOG, S_PROFILES, S_HEALTH, S_CONTRACTS, S_CRM, S_ACTIVITY = 1, 2, 3, 4, 5, 6
S_USERS, S_TRACKS, S_SURVEYS, S_FAULTS, S_USERS_CRM = 7, 8, 9, 10, 11
