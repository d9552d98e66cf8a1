"""One internal form for both sides of a comparison.

Gold records (annotation/gold format: arguments point to mention ids) and prediction records
(scorer format: arguments carry offsets) are both turned into a `ScoredDoc` of plain tuples, so
every metric reads one shape. Tuples are pulled out with `operator.itemgetter` (a C loop): this
conversion is the largest fixed cost of scoring 100,000 documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any, NamedTuple

# (start, end, role)
Argument = tuple[int, int, str]
# (trigger start, trigger end, type, realis or None, cluster id or None, arguments)
Event = tuple[int, int, str, Any, Any, tuple[Argument, ...]]

_SE = itemgetter("start", "end")
_SET = itemgetter("start", "end", "type")
_SER = itemgetter("start", "end", "role")
_LABEL = itemgetter("label")


class ScoredDoc(NamedTuple):
    lines: dict[tuple[int, int], str]
    entities: list[tuple[int, int, str]]  # (start, end, type)
    entity_spans: list[tuple[int, int]]  # (start, end), parallel to `entities`
    entity_clusters: list[Any]  # cluster id or None (a singleton), parallel to `entities`
    events: list[Event]


EMPTY = ScoredDoc({}, [], [], [], [])


def as_doc(record: Mapping[str, Any] | ScoredDoc | None) -> ScoredDoc:
    """A gold or prediction record as a `ScoredDoc`; a missing record is an empty prediction."""
    if record is None:
        return EMPTY
    if isinstance(record, ScoredDoc):
        return record
    ents = record.get("entities") or ()
    events: list[Event] = []
    evs = record.get("events") or ()
    if evs:
        offsets = {m["id"]: (m["start"], m["end"]) for m in ents if "id" in m}
        for ev in evs:
            args: list[Argument] = []
            for a in ev.get("arguments") or ():
                if "mention" in a:  # gold: resolve the mention id to its offsets
                    args.append((*offsets[a["mention"]], a["role"]))
                else:
                    args.append(_SER(a))
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
    lines = record.get("lines") or ()
    return ScoredDoc(
        dict(zip(map(_SE, lines), map(_LABEL, lines), strict=True)),
        list(map(_SET, ents)),
        list(map(_SE, ents)),
        [m.get("entity") for m in ents],
        events,
    )


def align(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]
) -> tuple[list[str], list[ScoredDoc], list[ScoredDoc]]:
    """Doc ids of the gold (sorted) with both sides in that order.

    Predictions for documents outside the gold are ignored; missing ones are empty predictions.
    """
    ids = sorted(gold_docs)
    get = pred_docs.get
    return ids, [as_doc(gold_docs[i]) for i in ids], [as_doc(get(i)) for i in ids]
