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


def corpus_table(rows: dict[tuple[str, str], list[dict[str, Any]]]) -> str:
    """Sizes and lengths per split (and over all), from the `events` rows (one per document:
    text, content lines, sentences, tokens) and the `entities` rows (one per sentence)."""
    splits = [s for s in SPLITS if rows.get(("events", s))]
    columns = [(s, rows[("events", s)], rows[("entities", s)]) for s in splits]
    columns.append(
        (
            "all",
            [r for s in splits for r in rows[("events", s)]],
            [r for s in splits for r in rows[("entities", s)]],
        )
    )

    def per(values: list[int]) -> str:
        if not values:
            return "—"
        return f"{sum(values) / len(values):.1f} / {min(values)} / {max(values)}"

    measures = [
        ("documents", lambda d, s: str(len(d))),
        ("characters (whole text)", lambda d, s: str(sum(len(r["text"]) for r in d))),
        ("content lines", lambda d, s: str(sum(len(r["content_lines"]) for r in d))),
        ("content sentences", lambda d, s: str(sum(len(r["sentences"]) for r in d))),
        ("content tokens", lambda d, s: str(sum(len(r["tokens"]) for r in d))),
        ("tokens per document (mean / min / max)", lambda d, s: per([len(r["tokens"]) for r in d])),
        (
            "sentences per document (mean / min / max)",
            lambda d, s: per([len(r["sentences"]) for r in d]),
        ),
        ("tokens per sentence (mean / min / max)", lambda d, s: per([len(r["tokens"]) for r in s])),
        ("entity mentions", lambda d, s: str(sum(len(r["entity_mentions"]) for r in d))),
        ("event mentions", lambda d, s: str(sum(len(r["event_mentions"]) for r in d))),
    ]
    head = "| measure | " + " | ".join(c[0] for c in columns) + " |\n|---|" + "---:|" * len(columns)
    body = [
        f"| {name} | " + " | ".join(fn(d, s) for _, d, s in columns) + " |" for name, fn in measures
    ]
    return head + "\n" + "\n".join(body)


def zero_mentions(counts: dict[str, dict[str, Counter]]) -> str:
    """The labels of each inventory that no item of any split carries, called out."""
    out = []
    for layer, names in INVENTORY.items():
        unused = [n for n in names if not any(counts[layer][s][n] for s in SPLITS)]
        shown = ", ".join(f"`{n}`" for n in unused) if unused else "none"
        out.append(f"- {layer} ({len(unused)} of {len(names)} unused): {shown}")
    return (
        "**Labels with zero mentions.** The schema defines these labels and the guidelines say "
        "when to use them, but no document of this release has one, so no model can learn or be "
        "scored on them here:\n\n" + "\n".join(out)
    )
