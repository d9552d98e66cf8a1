#!/usr/bin/env bash
# The main job, no server needed: set up .venv, validate the gold and both annotation passes,
# recompute agreement and check the adjudication log, build dataset/, train and score the
# baselines, then print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
tarifftalks validate
tarifftalks validate --gold annotation/passes/a --gold annotation/passes/b
tarifftalks adjudicate
tarifftalks build
tarifftalks baselines
python scripts/summary.py
