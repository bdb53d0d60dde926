"""Gate thresholds: dbt vars (dbt_project.yml, overridable with `--vars`) plus CLI overrides.

The gates read the same vars as the models, so one place configures both: the
project's `vars:` block, then the run's `--vars`, then the explicit CLI options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

# dbt var -> the value used when dbt_project.yml does not set it (documented there).
GATE_VAR_DEFAULTS: Mapping[str, Any] = {
    "max_reject_share": 0.05,
    "gate_max_unmapped_mrr_share": 0.2,
    "gate_unmapped_months_mostly": 0.9,
    "gate_row_count_min_ratio": 0.5,
    "gate_row_count_max_ratio": 2.0,
    "future_timestamp_tolerance_hours": 24,
    "health_band_yellow_min": 40,
    "health_band_green_min": 70,
    "salesforce_schema": "salesforce",
    "stripe_schema": "stripe",
    "segment_schema": "segment",
    "delighted_schema": "delighted",
}


class GateConfigError(ValueError):
    """A var or option the gates cannot use (reported as bad input)."""


def project_vars(project_dir: Path) -> dict[str, Any]:
    """The `vars:` block of <project_dir>/dbt_project.yml (plain YAML values, no Jinja)."""
    path = Path(project_dir) / "dbt_project.yml"
    with path.open(encoding="utf-8") as fh:
        project = yaml.safe_load(fh) or {}
    found = project.get("vars") or {}
    if not isinstance(found, dict):
        raise GateConfigError(f"{path}: `vars` is not a mapping")
    return dict(found)


def parse_vars(text: str | None) -> dict[str, Any]:
    """`--vars` as dbt reads it: a YAML (or JSON) mapping."""
    if not text:
        return {}
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GateConfigError(f"--vars is not YAML: {exc}") from None
    if not isinstance(parsed, dict):
        raise GateConfigError(f"--vars must be a mapping like '{{max_reject_share: 0.1}}', got {text!r}")
    return parsed


def _number(vars_: Mapping[str, Any], name: str) -> float:
    value = vars_.get(name, GATE_VAR_DEFAULTS[name])
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GateConfigError(f"dbt var {name} must be a number, got {value!r}") from None


def _share(vars_: Mapping[str, Any], name: str, value: float | None = None) -> float:
    share = _number(vars_, name) if value is None else float(value)
    if not 0 <= share <= 1:
        raise GateConfigError(f"{name} must be a share between 0 and 1, got {share}")
    return share


@dataclass(frozen=True)
class GateConfig:
    """Everything the expectation suites are parameterised by."""

    as_of: date
    max_reject_share: float
    max_unmapped_mrr_share: float
    unmapped_months_mostly: float
    row_count_min_ratio: float
    row_count_max_ratio: float
    future_tolerance_hours: float
    health_band_yellow_min: float
    health_band_green_min: float
    raw_schemas: Mapping[str, str] = field(default_factory=dict)  # contract schema -> raw schema
    baseline_counts: Mapping[str, int] | None = None  # raw rows per table of the last published load

    @classmethod
    def from_vars(cls, vars_: Mapping[str, Any], as_of: date, *, max_reject_share: float | None = None,
                  max_unmapped_mrr_share: float | None = None,
                  baseline_counts: Mapping[str, int] | None = None) -> GateConfig:
        """Thresholds from the merged dbt vars; explicit arguments (CLI options) win."""
        min_ratio = _number(vars_, "gate_row_count_min_ratio")
        max_ratio = _number(vars_, "gate_row_count_max_ratio")
        if min_ratio < 0 or max_ratio < min_ratio:
            raise GateConfigError(f"need 0 <= gate_row_count_min_ratio <= gate_row_count_max_ratio, "
                                  f"got {min_ratio} and {max_ratio}")
        return cls(
            as_of=as_of,
            max_reject_share=_share(vars_, "max_reject_share", max_reject_share),
            max_unmapped_mrr_share=_share(vars_, "gate_max_unmapped_mrr_share", max_unmapped_mrr_share),
            unmapped_months_mostly=_share(vars_, "gate_unmapped_months_mostly"),
            row_count_min_ratio=min_ratio,
            row_count_max_ratio=max_ratio,
            future_tolerance_hours=_number(vars_, "future_timestamp_tolerance_hours"),
            health_band_yellow_min=_number(vars_, "health_band_yellow_min"),
            health_band_green_min=_number(vars_, "health_band_green_min"),
            raw_schemas={s: str(vars_.get(f"{s}_schema", GATE_VAR_DEFAULTS[f"{s}_schema"]))
                         for s in ("salesforce", "stripe", "segment", "delighted")},
            baseline_counts=dict(baseline_counts) if baseline_counts is not None else None,
        )

    @property
    def latest_plausible_at(self) -> datetime:
        """Raw timestamps after this (naive UTC) are 'in the future': the end of the as-of
        day plus var future_timestamp_tolerance_hours (the same tolerance staging uses)."""
        return datetime.combine(self.as_of + timedelta(days=1), time()) + timedelta(hours=self.future_tolerance_hours)

    @property
    def raw_mostly(self) -> float:
        """Raw-landing row checks tolerate the share of rows staging may reject."""
        return round(1.0 - self.max_reject_share, 6)
