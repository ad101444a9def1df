#!/usr/bin/env bash
# The whole job on the sample corpus in examples/: install, ingest into a fresh demo database, list results.
# Usage: bash scripts/demo.sh        (DEMO_DB=path to keep the database elsewhere; default .demo/restrack.db)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then
    printf '== checking the restrack install in .venv\n' >&2
else
    printf '== creating .venv and installing restrack with its dependencies (first run: a minute or more)\n' >&2
fi
. scripts/_venv.sh
printf '== ready: %s\n' "$(restrack --version 2>/dev/null || echo restrack)" >&2

DB="${DEMO_DB:-.demo/restrack.db}"
mkdir -p "$(dirname "$DB")"
rm -f "$DB" "$DB-wal" "$DB-shm"
export RESTRACK_DB="$DB"

step() { printf '\n== %s\n' "$*"; }
# has COMMAND: true once an engineer has added that command to cli.py, so the demo grows with the tool.
has() { restrack "$1" --help >/dev/null 2>&1; }

if ! find examples -type f \( -name '*.pdf' -o -name '*.docx' -o -name '*.txt' \) 2>/dev/null | grep -q .; then
    step "examples/ is empty: writing the sample corpus"
    python scripts/make_samples.py examples
fi

step "restrack ingest examples/   (progress on a terminal; the summary line last)"
restrack ingest examples

step "restrack documents"
restrack documents

step "restrack figures --metric damage"
restrack figures --metric damage

step "restrack actors --type member_state"
restrack actors --type member_state

# ---- hooks: the steps below run once their command exists; add new ones in the same form. ----
if has clauses; then step "restrack clauses"; restrack clauses; fi
if has audit; then step "restrack audit"; restrack audit; fi
if has compare; then step "restrack compare"; restrack compare; fi

printf '\ndemo database: %s (try: restrack show <id> --db %s)\n' "$DB" "$DB"

# Last: the HTML report of the sample corpus (open the printed path in a browser; it works offline).
if has report; then
    step "restrack report --out $(dirname "$DB")/restrack-report.html"
    restrack report --out "$(dirname "$DB")/restrack-report.html"
fi
