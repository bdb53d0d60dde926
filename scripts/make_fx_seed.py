#!/usr/bin/env python3
"""Write seeds/reference/fx_rates_daily.csv: daily rates to USD, 2019-01-01..2028-12-31.

Synthetic and deterministic: a mean-reverting random walk (in logs) around a
realistic level per currency, from a fixed-seed PCG64 stream. Re-running always
writes the same bytes. Usage: python scripts/make_fx_seed.py [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2028, 12, 31)
SEED = 20190101
# currency -> (USD per unit, long-run level; daily volatility of the log rate)
CURRENCIES: dict[str, tuple[float, float]] = {
    "EUR": (1.08, 0.0035),
    "GBP": (1.27, 0.0040),
    "JPY": (0.0068, 0.0045),
    "KRW": (0.00075, 0.0040),
}
MEAN_REVERSION = 0.003  # per day
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "seeds" / "reference" / "fx_rates_daily.csv"


def rate_paths(days: int) -> dict[str, np.ndarray]:
    """One mean-reverting log random walk per currency (currencies in sorted order)."""
    rng = np.random.Generator(np.random.PCG64(SEED))
    out: dict[str, np.ndarray] = {}
    for code in sorted(CURRENCIES):
        level, vol = CURRENCIES[code]
        target = np.log(level)
        shocks = rng.normal(0.0, vol, size=days)
        logs = np.empty(days)
        logs[0] = target + rng.normal(0.0, 0.03)
        for t in range(1, days):
            logs[t] = logs[t - 1] + MEAN_REVERSION * (target - logs[t - 1]) + shocks[t]
        out[code] = np.exp(logs)
    return out


def write_seed(path: Path) -> int:
    """Write the seed; returns the number of data rows."""
    days = (LAST_DAY - FIRST_DAY).days + 1
    paths = rate_paths(days)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("rate_date", "currency_code", "rate_to_usd"))
        for d in range(days):
            day = (FIRST_DAY + timedelta(days=d)).isoformat()
            for code in sorted(paths):
                writer.writerow((day, code, f"{paths[code][d]:.10f}"))
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output CSV (default: {DEFAULT_OUT})")
    args = parser.parse_args()
    rows = write_seed(args.out)
    print(f"wrote {rows} rows to {args.out}")


if __name__ == "__main__":
    main()
