#!/usr/bin/env bash
# The main job, end to end, on the embedded DuckDB default:
# environment -> demo book -> `loyalty refresh` (load, dbt build, quality gates,
# atomic publish) -> summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/loyalty demo "$@"
