"""Counts behind the card's statistics tables (per split), computed from the gold."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import schema
from ..splits import SPLITS


def label_counts(golds_by_split: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Counter]]:
    """{layer: {split: Counter(label)}} for line labels, entity types, levels, event types,
    roles and realis values."""
    out: dict[str, dict[str, Counter]] = {
        k: {s: Counter() for s in SPLITS}
        for k in ("line label", "entity type", "mention level", "event type", "role", "realis")
    }
    for split, golds in golds_by_split.items():
        for g in golds:
            out["line label"][split].update(ln["label"] for ln in g["lines"])
            out["entity type"][split].update(m["type"] for m in g["entities"])
            out["mention level"][split].update(m["level"] for m in g["entities"] if m["level"])
            out["event type"][split].update(e["type"] for e in g["events"])
            out["role"][split].update(a["role"] for e in g["events"] for a in e["arguments"])
            out["realis"][split].update(e["realis"] for e in g["events"])
    return out


INVENTORY = {
    "line label": schema.LINE_LABELS,
    "entity type": schema.ENTITY_TYPE_NAMES,
    "mention level": schema.LEVEL_NAMES,
    "event type": schema.EVENT_TYPE_NAMES,
    "role": schema.ROLE_NAMES,
    "realis": schema.REALIS_NAMES,
}


def counts_table(layer: str, counts: dict[str, Counter]) -> str:
    """A Markdown table: one row per inventory item, one column per split, plus the total."""
    head = f"| {layer} | " + " | ".join(SPLITS) + " | total |\n|---|" + "---:|" * (len(SPLITS) + 1)
    rows = []
    for name in INVENTORY[layer]:
        per = [counts[s][name] for s in SPLITS]
        rows.append(f"| {name} | " + " | ".join(map(str, per)) + f" | {sum(per)} |")
    totals = [sum(counts[s].values()) for s in SPLITS]
    rows.append("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return head + "\n" + "\n".join(rows)
