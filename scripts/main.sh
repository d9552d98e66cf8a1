#!/usr/bin/env bash
# The main job, no server needed: set up, validate the gold, build dataset/, run the baselines
# and score them, then print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
tarifftalks validate
tarifftalks validate --gold annotation/passes/a --gold annotation/passes/b 2>/dev/null || true
tarifftalks build
if tarifftalks --help | grep -q baselines; then tarifftalks baselines; fi
python scripts/summary.py
