"""One internal form for both sides of a comparison.

Gold records (annotation/gold format: arguments point to mention ids) and prediction records
(scorer format: arguments carry offsets) are both turned into a `ScoredDoc` of plain tuples, so
every metric reads one shape and the hot loops touch no dict keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

# (start, end, type, cluster id or None)
Entity = tuple[int, int, str, Any]
# (start, end, role)
Argument = tuple[int, int, str]
# (trigger start, trigger end, type, realis or None, cluster id or None, arguments)
Event = tuple[int, int, str, Any, Any, tuple[Argument, ...]]


class ScoredDoc(NamedTuple):
    lines: dict[tuple[int, int], str]
    entities: list[Entity]
    events: list[Event]


EMPTY = ScoredDoc({}, [], [])


def as_doc(record: Mapping[str, Any] | ScoredDoc | None) -> ScoredDoc:
    """A gold or prediction record as a `ScoredDoc`; a missing record is an empty prediction."""
    if record is None:
        return EMPTY
    if isinstance(record, ScoredDoc):
        return record
    ents = record.get("entities") or ()
    offsets = {m["id"]: (m["start"], m["end"]) for m in ents if "id" in m}
    events: list[Event] = []
    for ev in record.get("events") or ():
        args: list[Argument] = []
        for a in ev.get("arguments") or ():
            if "mention" in a:  # gold: resolve the mention id to its offsets
                s, e = offsets[a["mention"]]
                args.append((s, e, a["role"]))
            else:
                args.append((a["start"], a["end"], a["role"]))
        trig = ev["trigger"]
        events.append(
            (
                trig["start"],
                trig["end"],
                ev["type"],
                ev.get("realis"),
                ev.get("cluster"),
                tuple(args),
            )
        )
    return ScoredDoc(
        {(ln["start"], ln["end"]): ln["label"] for ln in record.get("lines") or ()},
        [(m["start"], m["end"], m["type"], m.get("entity")) for m in ents],
        events,
    )


def align(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]
) -> tuple[list[str], list[ScoredDoc], list[ScoredDoc]]:
    """Doc ids of the gold (sorted) with both sides in that order.

    Predictions for documents outside the gold are ignored; missing ones are empty predictions.
    """
    ids = sorted(gold_docs)
    return (
        ids,
        [as_doc(gold_docs[i]) for i in ids],
        [as_doc(pred_docs.get(i)) for i in ids],
    )
