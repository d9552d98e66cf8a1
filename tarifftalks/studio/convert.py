"""Gold <-> Label Studio results.

Push: a canonical gold record becomes one result list (the pre-annotation of its task):
lines -> `line` regions (ids L1…), mentions -> `entity` regions with their id (T1…) plus the
per-region level / entity_cluster / kb / timex, events -> `trigger` regions (V1…) plus realis /
event_cluster, arguments -> relations trigger -> mention whose labels are the roles, notes ->
per-region `note` (or the document's `doc_note`).

Pull: an annotation's result list becomes a gold record, checked region by region against the
schema and the text (the server checks nothing), then passed through `canonicalize` and
`validate_gold`, so Label Studio's random region ids never reach a gold file and a round trip
of canonical gold is byte-identical.

Rules of the pull side (documented in docs/STUDIO.md):
  - a line region labels every line it overlaps, so one selection can label a whole block;
  - attributes the config hides for a region's label (level on a DATE, timex on a PER, …) are
    dropped: changing a region's label in the UI leaves them behind, invisible and unremovable;
  - empty text areas mean null.
"""

from __future__ import annotations

from typing import Any

from .. import schema
from ..corpus import Document
from ..gold import canonicalize
from ..text import iter_lines
from ..validate import validate_gold
from . import config as C

_ENTITY_ATTRS = {C.LEVEL, C.KB, C.TIMEX, C.ENTITY_CLUSTER}
_EVENT_ATTRS = {C.REALIS, C.EVENT_CLUSTER}
_KNOWN = {*C.REGION_CONTROLS, *_ENTITY_ATTRS, *_EVENT_ATTRS, C.NOTE, C.DOC_NOTE}
_INVENTORY = {
    C.LINE: schema.BOILERPLATE_LABELS,
    C.ENTITY: schema.ENTITY_TYPES,
    C.TRIGGER: schema.EVENT_TYPES,
}


# --- push ---------------------------------------------------------------------------------------


def _region(rid: str, control: str, start: int, end: int, text: str, label: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": control,
        "to_name": C.TEXT,
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def _attr(rid: str, control: str, start: int, end: int, kind: str, values: list[str]) -> dict:
    key = "choices" if kind == "choices" else "text"
    return {
        "id": rid,
        "from_name": control,
        "to_name": C.TEXT,
        "type": kind,
        "value": {"start": start, "end": end, key: values},
    }


def gold_to_results(gold: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The Label Studio result list of one gold record (canonicalized first)."""
    g = canonicalize(gold)
    notes: dict[str | None, list[str]] = {}
    for n in g["notes"]:
        notes.setdefault(n["about"], []).append(n["text"])
    out: list[dict[str, Any]] = []
    for i, ln in enumerate(g["lines"], 1):
        s, e = ln["start"], ln["end"]
        out.append(_region(f"L{i}", C.LINE, s, e, text[s:e], ln["label"]))
    for m in g["entities"]:
        rid, s, e = m["id"], m["start"], m["end"]
        out.append(_region(rid, C.ENTITY, s, e, m["text"], m["type"]))
        if m["level"] is not None:
            out.append(_attr(rid, C.LEVEL, s, e, "choices", [m["level"]]))
        out.append(_attr(rid, C.ENTITY_CLUSTER, s, e, "textarea", [m["entity"]]))
        for control, key in ((C.KB, "kb"), (C.TIMEX, "timex")):
            if m[key] is not None:
                out.append(_attr(rid, control, s, e, "textarea", [m[key]]))
        if rid in notes:
            out.append(_attr(rid, C.NOTE, s, e, "textarea", notes[rid]))
    for i, ev in enumerate(g["events"], 1):
        rid, t = ev["id"], ev["trigger"]
        s, e = t["start"], t["end"]
        out.append(_region(rid, C.TRIGGER, s, e, t["text"], ev["type"]))
        out.append(_attr(rid, C.REALIS, s, e, "choices", [ev["realis"]]))
        # The default cluster (a singleton) is left out: stored, it would go stale, or even
        # collide with a new event's default, once events before it are added or removed.
        if ev["cluster"] != f"{g['doc_id']}/V{i}":
            out.append(_attr(rid, C.EVENT_CLUSTER, s, e, "textarea", [ev["cluster"]]))
        if rid in notes:
            out.append(_attr(rid, C.NOTE, s, e, "textarea", notes[rid]))
        roles: dict[str, list[str]] = {}
        for a in ev["arguments"]:
            roles.setdefault(a["mention"], []).append(a["role"])
        for mention, labels in roles.items():
            out.append(
                {
                    "from_id": rid,
                    "to_id": mention,
                    "type": "relation",
                    "direction": "right",
                    "labels": sorted(labels),
                }
            )
    if None in notes:
        out.append(
            {
                "id": "D1",
                "from_name": C.DOC_NOTE,
                "to_name": C.TEXT,
                "type": "textarea",
                "value": {"text": notes[None]},
            }
        )
    return out


def prediction_to_gold(pred: dict[str, Any], doc: Document) -> tuple[dict[str, Any], int]:
    """A scorer-format prediction (docs/DESIGN.md §7) as a gold-like record; also the number of
    arguments
    dropped because no predicted entity mention has their span."""
    text = doc.text
    ents = []
    by_span: dict[tuple[int, int], str] = {}
    for i, m in enumerate(pred.get("entities") or [], 1):
        s, e = m["start"], m["end"]
        by_span.setdefault((s, e), f"T{i}")
        ents.append(
            {
                "id": f"T{i}",
                "start": s,
                "end": e,
                "text": text[s:e],
                "type": m["type"],
                "level": None,
                "entity": None,
                "kb": None,
                "timex": None,
            }
        )
    events, dropped = [], 0
    for i, ev in enumerate(pred.get("events") or [], 1):
        args = []
        for a in ev.get("arguments") or []:
            mid = by_span.get((a["start"], a["end"]))
            if mid is None:
                dropped += 1
            else:
                args.append({"mention": mid, "role": a["role"]})
        t = ev["trigger"]
        events.append(
            {
                "id": f"V{i}",
                "type": ev["type"],
                "realis": ev.get("realis") or "actual",
                "trigger": {
                    "start": t["start"],
                    "end": t["end"],
                    "text": text[t["start"] : t["end"]],
                },
                "cluster": None,
                "arguments": args,
            }
        )
    gold = {
        "doc_id": doc.doc_id,
        "file": doc.file,
        "sha256": doc.sha256,
        "lines": [dict(ln) for ln in pred.get("lines") or []],
        "entities": ents,
        "events": events,
        "notes": [],
    }
    return gold, dropped


# --- pull ---------------------------------------------------------------------------------------


def _texts(value: dict[str, Any]) -> list[str]:
    """The non-empty strings of a text area's `text` (a list, or one string)."""
    texts = value.get("text")
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list):
        return []
    return [t.strip() for t in texts if isinstance(t, str) and t.strip()]


def _single_text(value: dict[str, Any]) -> str | None:
    vals = _texts(value)
    return vals[-1] if vals else None


def results_to_gold(
    result: list[Any], doc: Document, kb: dict[str, Any] | None = None
) -> tuple[dict[str, Any] | None, list[str]]:
    """One annotation's result list as canonical gold, or the problems that refuse it.

    Problems are `item: problem` strings; the caller prefixes the task and annotation.
    """
    text = doc.text
    problems: list[str] = []
    regions: dict[str, dict[str, Any]] = {}
    attrs: dict[str, dict[str, Any]] = {}
    notes: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    refused: set[Any] = set()
    if not isinstance(result, list):
        return None, ["result: not a list"]

    for i, item in enumerate(result):
        where = f"result[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object")
            continue
        if item.get("type") == "relation":
            ends = (item.get("from_id"), item.get("to_id"))
            labels = item.get("labels")
            if not all(isinstance(x, str) for x in ends):
                problems.append(f"{where} (relation): from_id/to_id are not region ids")
            elif labels is not None and not (
                isinstance(labels, list) and all(isinstance(x, str) for x in labels)
            ):
                problems.append(f"{where} (relation {ends[0]} -> {ends[1]}): labels {labels!r}")
            else:
                relations.append(item)
            continue
        control = item.get("from_name")
        rid = item.get("id")
        value = item.get("value")
        if not isinstance(control, str) or control not in _KNOWN:
            problems.append(f"{where}: unknown control {control!r}")
            continue
        if not isinstance(value, dict):
            problems.append(f"{where} ({control}): value is not an object")
            continue
        if control == C.DOC_NOTE:
            notes.extend({"about": None, "text": t} for t in _texts(value))
            continue
        if not isinstance(rid, str) or not rid:
            problems.append(f"{where} ({control}): region id {rid!r} is not a string")
            continue
        where = f"region {rid} ({control})"
        if control in C.REGION_CONTROLS:
            refused.add(rid)  # until it passes every check below
            labels = value.get("labels")
            if not isinstance(labels, list) or len(labels) != 1:
                problems.append(f"{where}: expected exactly one label, got {labels!r}")
                continue
            label = labels[0]
            if not isinstance(label, str) or label not in _INVENTORY[control]:
                problems.append(f"{where}: unknown label {label!r}")
                continue
            start, end = value.get("start"), value.get("end")
            if not (type(start) is int and type(end) is int):
                problems.append(f"{where}: start/end are not integers ({start!r}, {end!r})")
                continue
            if not 0 <= start < end <= len(text):
                problems.append(
                    f"{where}: offsets [{start}, {end}) outside the text (length {len(text)})"
                )
                continue
            if "text" in value and value["text"] != text[start:end]:
                problems.append(
                    f"{where}: span text {value['text']!r} does not match the text at "
                    f"[{start}, {end}): {text[start:end]!r}"
                )
                continue
            if rid in regions:
                problems.append(f"{where}: region id used twice")
                continue
            regions[rid] = {"control": control, "label": label, "start": start, "end": end}
            refused.discard(rid)
        else:
            attrs.setdefault(rid, {})[control] = value

    for rid, controls in attrs.items():
        if rid not in regions and rid not in refused:
            names = ", ".join(sorted(controls))
            problems.append(f"region {rid}: {names} attached to no labelled region")

    gold: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "file": doc.file,
        "sha256": doc.sha256,
        "lines": [],
        "entities": [],
        "events": [],
        "notes": notes,
    }

    # lines: a region labels every line it overlaps
    line_spans = iter_lines(text)
    line_label: dict[tuple[int, int], tuple[str, str]] = {}
    for rid, r in regions.items():
        if r["control"] != C.LINE:
            continue
        hit = [ls for ls in line_spans if ls.start < r["end"] and r["start"] < ls.end]
        if not hit:
            problems.append(f"region {rid} (line): [{r['start']}, {r['end']}) covers no line")
        for ls in hit:
            key = (ls.start, ls.end)
            prev = line_label.get(key)
            if prev and prev[0] != r["label"]:
                problems.append(
                    f"line [{ls.start}, {ls.end}): labelled both {prev[0]!r} (region {prev[1]}) "
                    f"and {r['label']!r} (region {rid})"
                )
            line_label[key] = (r["label"], rid)
    gold["lines"] = [
        {"start": s, "end": e, "label": lab} for (s, e), (lab, _) in line_label.items()
    ]

    def choice(rid: str, control: str) -> str | None:
        v = attrs.get(rid, {}).get(control)
        if not v:
            return None
        ch = v.get("choices")
        ok = isinstance(ch, list) and len(ch) == 1 and isinstance(ch[0], str)
        return ch[0] if ok else None

    def textarea(rid: str, control: str) -> str | None:
        v = attrs.get(rid, {}).get(control)
        return _single_text(v) if v else None

    for rid, r in regions.items():
        s, e = r["start"], r["end"]
        if r["control"] == C.ENTITY:
            etype = r["label"]
            gold["entities"].append(
                {
                    "id": rid,
                    "start": s,
                    "end": e,
                    "text": text[s:e],
                    "type": etype,
                    "level": choice(rid, C.LEVEL) if etype in schema.LEVELED_TYPES else None,
                    "entity": textarea(rid, C.ENTITY_CLUSTER),
                    "kb": textarea(rid, C.KB),
                    "timex": textarea(rid, C.TIMEX) if etype in schema.TIMEX_TYPES else None,
                }
            )
        elif r["control"] == C.TRIGGER:
            realis = choice(rid, C.REALIS)
            if realis is None:
                problems.append(f"region {rid} (trigger {r['label']}): realis not chosen")
            gold["events"].append(
                {
                    "id": rid,
                    "type": r["label"],
                    "realis": realis,
                    "trigger": {"start": s, "end": e, "text": text[s:e]},
                    "cluster": textarea(rid, C.EVENT_CLUSTER),
                    "arguments": [],
                }
            )
        if r["control"] in (C.ENTITY, C.TRIGGER):
            v = attrs.get(rid, {}).get(C.NOTE)
            notes.extend({"about": rid, "text": t} for t in _texts(v or {}))

    events = {ev["id"]: ev for ev in gold["events"]}
    for rel in relations:
        ends = (rel.get("from_id"), rel.get("to_id"))
        where = f"relation {ends[0]} -> {ends[1]}"
        if any(x in refused for x in ends):
            continue  # that region's own problem is reported already
        kinds = [regions.get(x, {}).get("control") for x in ends]
        # Annotators draw the arrow either way; the trigger end is the event.
        if kinds == [C.TRIGGER, C.ENTITY]:
            ev_id, mention = ends
        elif kinds == [C.ENTITY, C.TRIGGER]:
            mention, ev_id = ends
        else:
            problems.append(f"{where}: must join an event trigger and an entity mention")
            continue
        labels = rel.get("labels") or []
        if not labels:
            problems.append(f"{where}: argument without a role")
        for role in labels:
            if role not in schema.ROLE_NAMES:
                problems.append(f"{where}: unknown role {role!r}")
                continue
            arg = {"mention": mention, "role": role}
            if arg not in events[ev_id]["arguments"]:
                events[ev_id]["arguments"].append(arg)

    if problems:
        return None, problems
    # Validate under Label Studio's region ids (the ones the annotator can find), with the
    # defaults canonicalize would fill in; then renumber.
    check = {**gold, "events": [{**ev, "cluster": ev["cluster"] or "-"} for ev in gold["events"]]}
    problems = [p.split(": ", 1)[1] for p in validate_gold(check, doc, kb, source="gold")]
    if problems:
        return None, problems
    return canonicalize(gold), []
