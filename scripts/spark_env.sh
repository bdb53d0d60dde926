#!/usr/bin/env bash
# Create (or refresh) the Spark environment in .venv-spark: pyspark 4.3 + dbt-spark 1.11
# (session method) pinned by requirements-spark.txt, plus this project's package (no
# other dependencies: the Spark loader needs pyspark only). Separate from .venv so the
# main environment stays small. Idempotent: re-installs only when the pins change.
# Needs Python 3.11 and Java 17 (JAVA_HOME or java on PATH). About 1-2 minutes and
# ~630 MB the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    echo "error: Python 3.11 is required ($("$PY" --version 2>&1) found)" >&2
    exit 2
fi
if ! { [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; } && ! command -v java >/dev/null 2>&1; then
    echo "warning: no Java found (JAVA_HOME or java on PATH); Spark needs Java 17 to run" >&2
fi

stamp=".venv-spark/.installed-$(cat requirements-spark.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then
    exit 0
fi
started=$(date +%s)
if [ ! -x .venv-spark/bin/python ]; then
    echo "==> creating virtual environment .venv-spark"
    "$PY" -m venv .venv-spark
fi
echo "==> installing pinned Spark dependencies into .venv-spark"
.venv-spark/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
.venv-spark/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
rm -f .venv-spark/.installed-*
touch "$stamp"
echo "==> Spark environment ready in $(( $(date +%s) - started )) s"
