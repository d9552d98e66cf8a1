"""One internal form for both sides of a comparison.

Gold records (annotation/gold format: arguments point to mention ids) and prediction records
(scorer format: arguments carry offsets) are both turned into a `ScoredDoc` of plain tuples, so
every metric reads one shape. This conversion is the largest fixed cost of scoring 100,000
documents, and it is memory-bound (every mention is a separate dict), so:

- only C loops (`operator.itemgetter` over `map`) run at once: lines and entity tuples;
- everything else is built on first use, so a metric that does not read it does not pay for
  it: entity spans (sliced from the entity tuples, not read again from the dicts), cluster ids
  and events (Python loops per item; e.g. the entity layer reads neither).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import contains, itemgetter
from typing import Any

# (start, end, role)
Argument = tuple[int, int, str]
# (trigger start, trigger end, type, realis or None, cluster id or None, arguments)
Event = tuple[int, int, str, Any, Any, tuple[Argument, ...]]

_SE = itemgetter("start", "end")
_SET = itemgetter("start", "end", "type")
_SPAN = itemgetter(slice(0, 2))  # (start, end) of an entity tuple
_SER = itemgetter("start", "end", "role")
_MENTION_ROLE = itemgetter("mention", "role")
_LABEL = itemgetter("label")


class ScoredDoc:
    """One document of one side: lines, entity mentions, events (see the module docstring).

    lines            {(start, end): label}
    entities         [(start, end, type)]
    entity_spans     [(start, end)], parallel to `entities`; lazy
    entity_clusters  [cluster id or None (a singleton)], parallel to `entities`; lazy
    events           [Event]; lazy
    """

    __slots__ = (
        "lines",
        "entities",
        "_spans",
        "_mentions",
        "_clusters",
        "_events",
        "_raw",
    )

    def __init__(
        self,
        lines: dict[tuple[int, int], str],
        entities: list[tuple[int, int, str]],
        entity_spans: list[tuple[int, int]] | None = None,
        entity_clusters: list[Any] | None = None,
        events: list[Event] | None = None,
        *,
        mentions: Sequence[Mapping[str, Any]] = (),
        raw_events: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.lines = lines
        self.entities = entities
        self._spans = entity_spans
        self._mentions = mentions  # the records' mention dicts, read by the lazy parts
        self._clusters = entity_clusters
        self._events = events
        self._raw = raw_events

    @property
    def entity_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = list(map(_SPAN, self.entities))
        return self._spans

    @property
    def entity_clusters(self) -> list[Any]:
        if self._clusters is None:
            self._clusters = [m.get("entity") for m in self._mentions]
        return self._clusters

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            self._events = _events(self._raw, self._mentions, self.entity_spans)
        return self._events

    def _fields(self) -> tuple:
        return (self.lines, self.entities, self.entity_spans, self.entity_clusters, self.events)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoredDoc):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable caches: not hashable

    def __repr__(self) -> str:
        names = ("lines", "entities", "entity_spans", "entity_clusters", "events")
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"ScoredDoc({inner})"


EMPTY = ScoredDoc({}, [], [], [], [])


def _arguments(args: Sequence[Mapping[str, Any]], offsets: Mapping[Any, Any]) -> tuple:
    """(start, end, role) per argument: gold ones resolve their mention id to its offsets."""
    refs = sum(map(contains, args, repeat("mention", len(args))))
    if not refs:  # prediction format: all offsets, one C loop
        return tuple(map(_SER, args))
    if refs == len(args):  # gold format: all mention ids
        return tuple([(*offsets[m], r) for m, r in map(_MENTION_ROLE, args)])
    return tuple([(*offsets[a["mention"]], a["role"]) if "mention" in a else _SER(a) for a in args])


def _events(
    evs: Sequence[Mapping[str, Any]],
    ents: Sequence[Mapping[str, Any]],
    spans: Sequence[tuple[int, int]],
) -> list[Event]:
    if not evs:
        return []
    # mention id -> its (start, end), reusing the span tuples already built
    offsets = {m["id"]: sp for m, sp in zip(ents, spans, strict=True) if "id" in m}
    out: list[Event] = []
    append = out.append
    for ev in evs:
        trig = ev["trigger"]
        args = ev.get("arguments")
        append(
            (
                trig["start"],
                trig["end"],
                ev["type"],
                ev.get("realis"),
                ev.get("cluster"),
                _arguments(args, offsets) if args else (),
            )
        )
    return out


def as_doc(record: Mapping[str, Any] | ScoredDoc | None) -> ScoredDoc:
    """A gold or prediction record as a `ScoredDoc`; a missing record is an empty prediction."""
    if record is None:
        return EMPTY
    if isinstance(record, ScoredDoc):
        return record
    ents = record.get("entities") or ()
    evs = record.get("events") or ()
    lines = record.get("lines") or ()
    return ScoredDoc(
        dict(zip(map(_SE, lines), map(_LABEL, lines), strict=True)) if lines else {},
        list(map(_SET, ents)),
        None if ents else [],
        None if ents else [],
        None if evs else [],
        mentions=ents,
        raw_events=evs,
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
