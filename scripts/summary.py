"""Print what the main job produced: dataset rows per config and split, gold counts, scores."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tarifftalks.splits import SPLITS

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    data = ROOT / "dataset" / "data"
    print("\nTariffTalks dataset/ (rows per split)")
    for config in sorted(p.name for p in data.iterdir()):
        counts = {
            s: pq.ParquetFile(data / config / f"{s}.parquet").metadata.num_rows
            for s in SPLITS
            if (data / config / f"{s}.parquet").is_file()  # an empty split is not written
        }
        print(f"  {config:<12}" + "  ".join(f"{k}={v}" for k, v in counts.items()))
    golds = [json.loads(p.read_text()) for p in sorted((ROOT / "annotation/gold").glob("*.json"))]
    print(
        f"gold: {len(golds)} documents, {sum(len(g['lines']) for g in golds)} lines, "
        f"{sum(len(g['entities']) for g in golds)} entity mentions, "
        f"{sum(len(g['events']) for g in golds)} event mentions"
    )
    print("leaderboard: baselines/README.md; all figures with intervals: baselines/results.json")


if __name__ == "__main__":
    main()
