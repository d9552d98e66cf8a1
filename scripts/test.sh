#!/usr/bin/env bash
# The whole test suite, including the live Label Studio round trip: installs what the tests need
# (the package, its dev extra, the Label Studio server, Debian's chromium), then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f .ci/install-studio.sh ]; then bash .ci/install-studio.sh; fi
. .venv/bin/activate
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
ruff check .
ruff format --check .
set +e
python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit "$rc"
