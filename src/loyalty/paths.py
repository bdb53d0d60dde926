"""Where things live: the dbt project (repo root), the warehouse file, demo data."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_FILE = "dbt_project.yml"
DB_ENV_VAR = "DBT_DUCKDB_PATH"
# The reporting bound for dbt (macro as_of_date): read while nodes compile, not while dbt
# parses, so a new date keeps partial parsing (a changed --vars forces a full parse).
AS_OF_ENV_VAR = "LOYALTY_AS_OF_DATE"
DEFAULT_DB = Path("warehouse") / "loyalty.duckdb"
DEMO_BOOK = Path("data") / "demo"
DEFAULT_BOOK = Path("data") / "book"


class ProjectNotFoundError(RuntimeError):
    """No dbt_project.yml above the package or the working directory."""


def _find_up(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def repo_root(cwd: Path | None = None) -> Path:
    """The dbt project directory: the folder holding dbt_project.yml, searched upwards from
    the package (installed editable from <repo>/src/loyalty), then from the working directory."""
    for start in (Path(__file__).resolve().parent, (cwd or Path.cwd()).resolve()):
        found = _find_up(start)
        if found is not None:
            return found
    raise ProjectNotFoundError(
        f"cannot find {PROJECT_FILE} above {Path(__file__).resolve().parent} or {cwd or Path.cwd()}; "
        "run from the project directory"
    )


def default_db_path(root: Path | None = None) -> Path:
    """$DBT_DUCKDB_PATH (relative to the working directory) or <repo>/warehouse/loyalty.duckdb."""
    from_env = os.environ.get(DB_ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser().resolve()
    return (root or repo_root()) / DEFAULT_DB


def prepare_db_path(db_path: Path) -> Path:
    """The absolute warehouse path, with its parent folder created."""
    resolved = Path(db_path).expanduser().resolve()
    resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved
