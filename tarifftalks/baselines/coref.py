"""The reference for event coreference, within and across documents: one cluster per event type
and trigger stem. Two predicted events corefer when they have the same type and their triggers
the same stem (lower-cased; -ies -> y; else one of -ing, -ed, -es, -s removed, then final e's),
in one document or in several: "talks" in one article and "talk" in another are one event. The
cluster id `<type>|<stem>` is split-wide (not `<doc_id>/…`), so the scorer links documents."""

from __future__ import annotations

from typing import Any

_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    w = word.strip().lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    while w.endswith("e") and len(w) > 3:  # agree, agreed -> agr
        w = w[:-1]
    return w


def add_stem_clusters(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    """Give every predicted event of `records` (scorer format) its type-and-stem cluster id."""
    for rec in records:
        text = texts[rec["doc_id"]]
        for ev in rec.get("events") or ():
            trig = ev["trigger"]
            ev["cluster"] = f"{ev['type']}|{stem(text[trig['start'] : trig['end']])}"
