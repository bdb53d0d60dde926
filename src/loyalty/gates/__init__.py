"""Data-quality gates (Great Expectations Core 1.x) the refresh runs after `dbt build`.

dbt's own tests are the first gate; these add the distribution and `mostly`
checks dbt does not express well. Suites: loyalty.gates.suites; thresholds:
loyalty.gates.config (dbt vars); running them: loyalty.gates.runner. GX itself is
imported only when the gates run (it takes seconds), not with this package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from loyalty.gates.config import GateConfig, GateConfigError, parse_vars, project_vars

if TYPE_CHECKING:
    from loyalty.gates.runner import ExpectationResult, GateReport

__all__ = ["ExpectationResult", "GateConfig", "GateConfigError", "GateReport", "parse_vars", "project_vars",
           "run_gates"]


def run_gates(db_path: Path, config: GateConfig, docs_dir: Path | None = None,
              say: Callable[[str], None] | None = None) -> GateReport:
    """loyalty.gates.runner.run_gates, imported on first use."""
    from loyalty.gates import runner

    return runner.run_gates(db_path, config, docs_dir, say)
