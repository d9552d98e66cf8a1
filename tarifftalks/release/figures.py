"""The card's figure: label distributions per split, as a reproducible PNG."""

from __future__ import annotations

import io
from collections import Counter

from ..splits import SPLITS
from .stats import INVENTORY


def label_distribution_png(counts: dict[str, dict[str, Counter]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layers = ["line label", "entity type", "event type", "role", "realis", "mention level"]
    fig, axes = plt.subplots(len(layers), 1, figsize=(10, 3.2 * len(layers)))
    for ax, layer in zip(axes, layers, strict=True):
        names = list(INVENTORY[layer])
        bottom = [0] * len(names)
        for split in SPLITS:
            vals = [counts[layer][split][n] for n in names]
            ax.bar(names, vals, bottom=bottom, label=split)
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        ax.set_title(f"{layer} (count per split)")
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    # No Software/date metadata, so the same counts give the same bytes.
    fig.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
