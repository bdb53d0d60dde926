#!/usr/bin/env bash
# The benchmark (issue 6): per scale, generate a book, load it, full `dbt build`, the GX
# gates (when loyalty.gates exists), the hand-written MRR floor query, then one more day
# (generate, load, `dbt build` without --full-refresh). Wall time and peak RSS per step,
# the slowest dbt models; results in bench/results/<timestamp>-<scale>.json + latest.md.
#   bash scripts/bench.sh --customers 1000 10000 --months 36
#   bash scripts/bench.sh --help
# Heavy at 10k customers: run it under `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$PWD}"
exec .venv/bin/python -m loyalty.bench "$@"
