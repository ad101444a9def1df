#!/usr/bin/env bash
# Lint, type-check and test: the one command CI runs (.ci/run). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh

echo "== ruff check ."
ruff check .

echo "== mypy"
mypy extract corpus schemas restrack cli.py  # configured in pyproject.toml [tool.mypy]

echo "== pytest"
set +e
python -m pytest -ra -p no:cacheprovider "$@"  # addopts has -q; another -q would hide the summary line
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "error: pytest collected no tests (exit code 5): the test suite is missing or mis-configured" >&2
    exit 1
fi
exit "$rc"
