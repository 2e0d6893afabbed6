#!/usr/bin/env bash
# Set up everything (dev tools, Debian chromium), lint, and run every test:
# unit, property, AppTest and real-browser tests. Extra arguments go to pytest.
# Exits non-zero when lint or any test fails, or when no test was collected (pytest exit 5).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --dev

lint_status=0
.venv/bin/ruff check . || lint_status=$?

test_status=0
.venv/bin/python -m pytest "$@" || test_status=$?

if [[ "$test_status" == 5 ]]; then
    echo "test.sh: pytest collected no tests; that counts as a failure" >&2
fi
if [[ "$lint_status" != 0 ]]; then
    echo "test.sh: ruff check failed (exit $lint_status)" >&2
fi
if [[ "$test_status" != 0 ]]; then
    exit "$test_status"
fi
exit "$lint_status"
