"""Segment tracks, vectorised with numpy and streamed to disk in chunks of users."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .events import EVENTS, event_index
from .config import Timeline
from .ids import event_ids
from .timeutil import EPOCH
from .usage import UsagePlan

CHUNK_USER_DAYS = 3_000_000
WEEKDAY_FACTOR = np.array([1.0, 1.05, 1.05, 1.0, 0.85, 0.14, 0.1])  # Mon..Sun
MEAN_WEEKDAY = float(WEEKDAY_FACTOR.mean())
ANONYMOUS_SHARE = 0.015
OFFLINE_SHARE = 0.015


@dataclass
class TrackColumns:
    """One chunk of events as numpy arrays (times in epoch seconds)."""

    user: np.ndarray  # index into the plan's users
    event: np.ndarray
    ts: np.ndarray
    sent: np.ndarray
    received: np.ndarray
    anonymous: np.ndarray  # bool


class TrackStream:
    """Generates tracks chunk by chunk; ids are numbered in generation order."""

    def __init__(self, plan: UsagePlan, health: np.ndarray, tl: Timeline, events_per_user_day: float,
                 seed: int, rng: np.random.Generator) -> None:
        self.plan = plan
        self.tl = tl
        self.rng = rng
        self.seed = seed
        self.rate = events_per_user_day / MEAN_WEEKDAY
        self.n_users = len(plan.user_ids)
        self.start_s = np.asarray(plan.start_s, dtype=np.int64)
        self.end_s = np.asarray(plan.end_s, dtype=np.int64)
        self.contract = np.asarray(plan.contract, dtype=np.int64)
        self.customer = np.asarray(plan.customer, dtype=np.int64)
        self.propensity = np.asarray(plan.propensity, dtype=np.float64)
        self.c_tz = np.asarray(plan.c_tz, dtype=np.float64)
        self.c_churn_s = np.asarray(plan.c_churn_s, dtype=np.int64)
        self.c_start_s = np.asarray(plan.c_start_s, dtype=np.int64)
        self.health = health
        self.horizon_s = int((tl.horizon - EPOCH).total_seconds())
        self.day0 = int((tl.start - EPOCH).total_seconds()) // 86400
        self.n_days = tl.days
        self.day_month = np.array([tl.month_of(tl.start + timedelta(days=d)) for d in range(self.n_days)],
                                  dtype=np.int64)
        self.day_weekday = (np.arange(self.day0, self.day0 + self.n_days) + 3) % 7  # 1970-01-01 was a Thursday
        self._cum = self._cumulative_weights(plan.weights)
        self.life_user = np.asarray(plan.life_user, dtype=np.int64)
        order = np.argsort(self.life_user, kind="stable")
        self.life_user = self.life_user[order]
        self.life_time = np.asarray(plan.life_time, dtype=np.int64)[order]
        self.life_event = np.asarray(plan.life_event, dtype=np.int64)[order]
        self.next_id = 0

    @staticmethod
    def _cumulative_weights(weights: np.ndarray | None) -> np.ndarray:
        """Row-offset cumulative weights: row r spans (r, r + 1] so one searchsorted samples every row."""
        if weights is None or weights.size == 0:
            return np.zeros(0)
        flat = weights.reshape(-1, weights.shape[-1])
        cum = np.cumsum(flat, axis=1)
        cum /= cum[:, -1:]
        cum[:, -1] = 1.0
        return (cum + np.arange(flat.shape[0])[:, None]).ravel()

    def chunks(self) -> Iterator[tuple[int, int]]:
        """User index ranges holding about CHUNK_USER_DAYS user-days each."""
        span = np.maximum((self.end_s - self.start_s) // 86400 + 1, 0)
        lo, acc = 0, 0
        for i in range(self.n_users):
            acc += int(span[i])
            if acc >= CHUNK_USER_DAYS:
                yield lo, i + 1
                lo, acc = i + 1, 0
        if lo < self.n_users:
            yield lo, self.n_users

    def generate(self, lo: int, hi: int) -> TrackColumns:
        rng = self.rng
        users = np.arange(lo, hi)
        d_first = np.clip(self.start_s[users] // 86400 - self.day0, 0, self.n_days)
        d_last = np.clip((self.end_s[users] - 1) // 86400 - self.day0 + 1, 0, self.n_days)
        lengths = np.maximum(d_last - d_first, 0)
        total = int(lengths.sum())
        u_of = np.repeat(users, lengths)
        offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
        day = np.repeat(d_first, lengths) + (np.arange(total) - offsets)
        month = self.day_month[day]
        cust = self.customer[u_of]
        con = self.contract[u_of]
        h = self.health[cust, month]
        rate = self.rate * self.propensity[u_of] * np.exp(0.55 * (h - 0.35)) * WEEKDAY_FACTOR[self.day_weekday[day]]
        # dormant user-months: seats nobody really uses, more of them when the customer struggles
        dormant_draw = rng.random((hi - lo, self.tl.months))
        awake = dormant_draw[u_of - lo, month] < 1.0 / (1.0 + np.exp(-(1.3 + 1.5 * h)))
        rate = np.where(awake, rate, rate * 0.08)
        day_s = (self.day0 + day) * 86400
        onboarding = (day_s - self.c_start_s[con]) < 30 * 86400
        rate = np.where(onboarding, rate * 1.3, rate)
        churn_s = self.c_churn_s[con]
        fading = (churn_s > 0) & (churn_s - day_s < 45 * 86400)
        rate = np.where(fading, rate * 0.5, rate)
        counts = rng.poisson(rate)
        ud = np.repeat(np.arange(total), counts)
        n = ud.shape[0]
        e_user = u_of[ud]
        e_month = month[ud]
        row = self.contract[e_user] * self.tl.months + e_month
        pick = np.searchsorted(self._cum, row + rng.random(n), side="right")
        event = pick - row * len(EVENTS)
        local_h = np.where(rng.random(n) < 0.85, np.clip(rng.normal(13.5, 2.6, n), 6.0, 23.99),
                           rng.uniform(0.0, 24.0, n))
        ts = day_s[ud] + (local_h * 3600).astype(np.int64) - (self.c_tz[self.contract[e_user]] * 3600).astype(np.int64)
        ts = ts + rng.integers(0, 60, n)
        life = self._life(lo, hi)
        e_user = np.concatenate([e_user, life[0]])
        event = np.concatenate([event, life[2]])
        ts = np.concatenate([ts, life[1]])
        n = ts.shape[0]
        delay = rng.integers(0, 5, n)
        offline = rng.random(n) < OFFLINE_SHARE
        delay = np.where(offline, rng.integers(60, 6 * 3600, n), delay)
        sent = ts + delay
        received = sent + rng.integers(0, 3, n)
        keep = (ts >= self.start_s[e_user]) & (ts < self.end_s[e_user]) & (received < self.horizon_s)
        anonymous = rng.random(n) < ANONYMOUS_SHARE
        help_idx = event_index("help_article_viewed")
        event = np.where(anonymous, help_idx, event)
        return TrackColumns(e_user[keep], event[keep], ts[keep], sent[keep], received[keep], anonymous[keep])

    def _life(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = np.searchsorted(self.life_user, [lo, hi])
        return self.life_user[a:b], self.life_time[a:b], self.life_event[a:b]

    def to_arrow(self, cols: TrackColumns, user_ids: pa.Array, anon_ids: pa.Array, ips: pa.Array,
                 names: pa.Array, texts: pa.Array) -> pa.Table:
        n = cols.ts.shape[0]
        ids = pa.array(event_ids(self.next_id, n, self.seed), type=pa.binary(20)).cast(pa.string())
        self.next_id += n
        user_idx = pa.array(cols.user)
        uid = user_ids.take(user_idx)
        uid = pc.if_else(pa.array(cols.anonymous), pa.nulls(n, pa.string()), uid)
        ts = timestamps(cols.ts)
        return pa.table({
            "id": ids,
            "user_id": uid,
            "anonymous_id": anon_ids.take(user_idx),
            "event": names.take(pa.array(cols.event)),
            "event_text": texts.take(pa.array(cols.event)),
            "timestamp": ts,
            "original_timestamp": ts,
            "sent_at": timestamps(cols.sent),
            "received_at": timestamps(cols.received),
            "context_ip": ips.take(user_idx),
        })


def timestamps(seconds: np.ndarray) -> pa.Array:
    """Epoch seconds -> 'YYYY-MM-DD HH:MM:SS' text."""
    return pa.array(seconds.astype(np.int64), type=pa.int64()).cast(pa.timestamp("s")).cast(pa.string())
