#!/usr/bin/env bash
# Every test: lint (sqlfluff) + dbt parse/build incl. unit tests on a small book + pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DBT_PROFILES_DIR="$PWD"

echo "==> [1/2] sqlfluff lint models"
.venv/bin/sqlfluff lint models --processes 2

echo "==> [2/2] pytest (python units, generator, loader, dbt build + unit tests on small books)"
.venv/bin/python -m pytest -q "$@"
echo "==> all tests passed"
