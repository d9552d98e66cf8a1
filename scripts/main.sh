#!/usr/bin/env bash
# The main job, no server needed: set up .venv, validate the gold and both annotation passes,
# recompute agreement and check the adjudication log, build dataset/, train and score the
# baselines, then print a summary. Each command's time follows its output.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/steps.sh
t_main=$(_now)
bash scripts/setup.sh
. .venv/bin/activate
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
timed() {
  local t0
  t0=$(_now)
  "$@"
  echo "  ($* took $(_elapsed "$t0") s)" >&2
}
timed tarifftalks validate
timed tarifftalks validate --gold annotation/passes/a --gold annotation/passes/b
timed tarifftalks adjudicate
timed tarifftalks build
timed tarifftalks baselines
python scripts/summary.py
echo "main: done in $(_elapsed "$t_main") s" >&2
