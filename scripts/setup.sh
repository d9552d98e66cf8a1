#!/usr/bin/env bash
# Create .venv (if missing) and install the package with its development extra at the versions
# pinned in constraints.txt (regenerate: scripts/lock.sh). Idempotent: skipped in a second when
# pyproject.toml, constraints.txt and the Python are unchanged. One line per step with its time.
#   PYTHON=python3.12 bash scripts/setup.sh    # another interpreter
#   TARIFFTALKS_NO_UV=1 bash scripts/setup.sh  # pip only
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/steps.sh
PY=${PYTHON:-python3}
echo "setup: .venv (log: $STEPS_LOG)" >&2
t_setup=$(_now)
if [ ! -x .venv/bin/python ]; then
  step "create .venv ($("$PY" -V 2>&1))" "$PY" -m venv .venv
fi
want=$(stamp .venv pyproject.toml constraints.txt scripts/steps.sh)
if [ "$(cat .venv/.tarifftalks-stamp 2>/dev/null)" = "$want" ]; then
  echo "  packages up to date (pyproject.toml, constraints.txt, steps.sh unchanged)" >&2
else
  rm -f .venv/.tarifftalks-stamp
  pins_install .venv constraints.txt -e '.[dev]'
  echo "$want" >.venv/.tarifftalks-stamp
fi
echo "setup: done in $(_elapsed "$t_setup") s" >&2
