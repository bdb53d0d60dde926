"""The latent monthly customer health that drives usage, support, sentiment,
expansion and churn (never written out; the warehouse must infer it)."""

from __future__ import annotations

import numpy as np

PHI = 0.85  # month-to-month persistence
SIGMA = 0.33  # monthly noise
P_BAD_SHOCK = 0.025  # champion leaves, reorg, budget cut
P_GOOD_SHOCK = 0.015  # new sponsor, successful rollout


def health_paths(mu: np.ndarray, months: int, rng: np.random.Generator) -> np.ndarray:
    """AR(1) around each customer's baseline `mu`, with rare shocks: shape (customers, months)."""
    n = mu.shape[0]
    h = np.empty((n, months))
    eps = rng.normal(0.0, SIGMA, size=(n, months))
    bad = (rng.random((n, months)) < P_BAD_SHOCK) * rng.uniform(0.8, 2.0, size=(n, months))
    good = (rng.random((n, months)) < P_GOOD_SHOCK) * rng.uniform(0.4, 1.0, size=(n, months))
    h[:, 0] = mu + rng.normal(0.0, 0.5, size=n)
    for t in range(1, months):
        h[:, t] = mu + PHI * (h[:, t - 1] - mu) + eps[:, t] - bad[:, t] + good[:, t]
    return h


def lagged(h: np.ndarray, month: int, lags: tuple[int, ...] = (1, 2)) -> float:
    """Mean health over earlier months (decisions react to what the customer lived through)."""
    idx = [max(month - k, 0) for k in lags]
    return float(np.mean(h[idx]))
