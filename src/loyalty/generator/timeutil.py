"""Small date/time helpers (naive datetimes are UTC)."""

from __future__ import annotations

import math
from calendar import monthrange
from datetime import date, datetime, timedelta

EPOCH = datetime(1970, 1, 1)
OPEN_END = datetime(9999, 12, 31, 23, 59, 59)


def add_months(instant: datetime, months: int) -> datetime:
    """Same day-of-month and time `months` later, clamped to the month's last day."""
    years, month0 = divmod(instant.month - 1 + months, 12)
    year = instant.year + years
    day = min(instant.day, monthrange(year, month0 + 1)[1])
    return instant.replace(year=year, month=month0 + 1, day=day)


def fmt_ts(instant: datetime) -> str:
    day = f"{instant.year:04d}-{instant.month:02d}-{instant.day:02d}"
    return f"{day} {instant.hour:02d}:{instant.minute:02d}:{instant.second:02d}"


def fmt_date(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def epoch_seconds(instant: datetime) -> int:
    return int((instant - EPOCH).total_seconds())


def from_epoch(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=int(seconds))


def seconds(n: float) -> timedelta:
    return timedelta(seconds=int(n))


def days(n: float) -> timedelta:
    return timedelta(seconds=int(n * 86400))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
