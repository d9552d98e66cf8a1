"""Two tiny hand-built documents with gold and predictions whose scores are worked out by hand
in tests/test_scoring_metrics.py (and the comments there)."""

from __future__ import annotations

from typing import Any

TEXTS = {
    "d1": (
        "Japan and the United States held talks in Washington on Friday.\n"
        "By Jane Doe\n"
        "Trump imposed tariffs on autos.\n"
    ),
    "d2": "Tokyo will offer concessions next week.\nRelated: Mazda profit falls\n",
}


def at(doc: str, sub: str, nth: int = 0) -> tuple[int, int]:
    text = TEXTS[doc]
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def _se(doc: str, sub: str) -> dict[str, int]:
    s, e = at(doc, sub)
    return {"start": s, "end": e}


def line(doc: str, n: int, label: str) -> dict[str, Any]:
    rows = TEXTS[doc].split("\n")
    start = sum(len(r) + 1 for r in rows[:n])
    return {"start": start, "end": start + len(rows[n]), "label": label}


def ent(doc: str, sub: str, etype: str, mid: str | None = None, cluster: Any = None) -> dict:
    s, e = at(doc, sub)
    out: dict[str, Any] = {"start": s, "end": e, "type": etype}
    if mid:
        out.update(id=mid, text=sub, level=None, kb=None, timex=None)
    if cluster is not None:
        out["entity"] = cluster
    return out


def gold_docs() -> dict[str, dict[str, Any]]:
    d1 = {
        "doc_id": "d1",
        "file": "d1.txt",
        "sha256": "x",
        "lines": [line("d1", 0, "body"), line("d1", 1, "byline"), line("d1", 2, "body")],
        "entities": [
            ent("d1", "Japan", "GPE", "T1", "C1"),
            ent("d1", "United States", "GPE", "T2", "C2"),
            ent("d1", "Washington", "GPE", "T3", "C3"),
            ent("d1", "Friday", "DATE", "T4", "C4"),
            ent("d1", "Trump", "PER", "T5", "C5"),
            ent("d1", "autos", "COMMODITY", "T6", "C6"),
        ],
        "events": [
            {
                "id": "V1",
                "type": "Contact:Negotiate",
                "realis": "actual",
                "trigger": {**_se("d1", "talks"), "text": "talks"},
                "cluster": "talks",
                "arguments": [
                    {"mention": "T1", "role": "Participant"},
                    {"mention": "T2", "role": "Participant"},
                    {"mention": "T3", "role": "Place"},
                    {"mention": "T4", "role": "Time"},
                ],
            },
            {
                "id": "V2",
                "type": "Trade:Impose-Tariff",
                "realis": "actual",
                "trigger": {**_se("d1", "imposed"), "text": "imposed"},
                "cluster": "tariff",
                "arguments": [
                    {"mention": "T5", "role": "Imposer"},
                    {"mention": "T6", "role": "Goods"},
                ],
            },
        ],
        "notes": [],
    }
    d2 = {
        "doc_id": "d2",
        "file": "d2.txt",
        "sha256": "y",
        "lines": [line("d2", 0, "body"), line("d2", 1, "related")],
        "entities": [
            ent("d2", "Tokyo", "GPE", "T1", "C1"),
            ent("d2", "next week", "DATE", "T2", "C2"),
        ],
        "events": [
            {
                "id": "V1",
                "type": "Trade:Offer",
                "realis": "planned",
                "trigger": {**_se("d2", "offer"), "text": "offer"},
                "cluster": "offer",
                "arguments": [
                    {"mention": "T1", "role": "Offerer"},
                    {"mention": "T2", "role": "Time"},
                ],
            }
        ],
        "notes": [],
    }
    return {"d1": d1, "d2": d2}


def _ev(doc: str, trig: str, etype: str, realis: str, args: list[tuple[str, str]]) -> dict:
    s, e = at(doc, trig)
    return {
        "trigger": {"start": s, "end": e},
        "type": etype,
        "realis": realis,
        "arguments": [{**_se(doc, a), "role": r} for a, r in args],
    }


def pred_docs() -> dict[str, dict[str, Any]]:
    d1 = {
        "doc_id": "d1",
        # the third line is not predicted: it counts as wrong
        "lines": [line("d1", 0, "body"), line("d1", 1, "byline")],
        "entities": [
            ent("d1", "Japan", "GPE"),  # right
            ent("d1", "United States", "ORG"),  # right span, wrong type
            ent("d1", "Washington on", "GPE"),  # wrong span
            ent("d1", "Friday", "DATE"),  # right
            ent("d1", "Trump", "PER"),  # right
            ent("d1", "tariffs", "COMMODITY"),  # spurious; autos is missed
        ],
        "events": [
            _ev(
                "d1",
                "talks",
                "Contact:Meet",
                "actual",
                [("Japan", "Participant"), ("Washington", "Place")],
            ),
            _ev(
                "d1",
                "imposed",
                "Trade:Impose-Tariff",
                "planned",
                [("Trump", "Imposer"), ("autos", "Target"), ("Japan", "Target")],
            ),
            _ev("d1", "tariffs", "Trade:Impose-Tariff", "actual", [("Trump", "Imposer")]),
        ],
    }
    d2 = {
        "doc_id": "d2",
        "lines": [line("d2", 0, "body"), line("d2", 1, "body")],
        "entities": [ent("d2", "Tokyo", "GPE"), ent("d2", "next week", "DATE")],
        "events": [
            _ev(
                "d2",
                "offer",
                "Trade:Offer",
                "planned",
                [("Tokyo", "Offerer"), ("next week", "Time")],
            )
        ],
    }
    return {"d1": d1, "d2": d2}
