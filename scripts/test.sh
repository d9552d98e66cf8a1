#!/usr/bin/env bash
# The whole test suite, including the live Label Studio round trip: installs what the tests need
# (the package, its dev extra, the Label Studio server, Debian's chromium; pinned by
# constraints.txt and constraints-studio.txt), then runs ruff and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/steps.sh
t_test=$(_now)
bash scripts/setup.sh
if [ -f .ci/install-studio.sh ]; then bash .ci/install-studio.sh; fi
. .venv/bin/activate
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
step "ruff check" ruff check .
step "ruff format --check" ruff format --check .
set +e
python -m pytest "$@"
rc=$?
set -e
echo "test: done in $(_elapsed "$t_test") s" >&2
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit "$rc"
