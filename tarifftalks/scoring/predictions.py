"""The prediction format (SPEC §7) and its validator.

A prediction file is JSONL, one object per document, offsets into the document text (code points,
half-open), every layer optional:

    {"doc_id": "tt-000",
     "lines":    [{"start": 0, "end": 340, "label": "body"}, …],
     "entities": [{"start": 12, "end": 17, "type": "GPE", "entity": "e1"}, …],
     "events":   [{"trigger": {"start": 40, "end": 52}, "type": "Contact:Negotiate",
                   "realis": "planned", "cluster": "v1",
                   "arguments": [{"start": 12, "end": 17, "role": "Participant"}, …]}, …]}

`entity` (entity cluster id) and `cluster` (event cluster id) are this scorer's compatible
extension for coreference; without them every mention is its own cluster. `realis` may be
omitted or null (it then never counts as correct). Unknown keys are ignored.

The validator reports every problem, each with its line number; the scorer refuses a file with
any problem and scores nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import UserError
from ..io import write_text_atomic
from ..text import iter_lines
from .docs import as_doc

PRED_LAYERS = ("lines", "entities", "events")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _span(item: str, obj: Any, n_chars: int, out: list[str]) -> tuple[int, int] | None:
    if not isinstance(obj, dict):
        out.append(f"{item}: expected an object with start and end")
        return None
    start, end = obj.get("start"), obj.get("end")
    if not (_is_int(start) and _is_int(end)):
        out.append(f"{item}: start and end must be integers (got {start!r}, {end!r})")
        return None
    if not 0 <= start < end <= n_chars:
        out.append(f"{item}: offsets [{start}, {end}) outside the text (length {n_chars})")
        return None
    return start, end


def _list(record: Mapping[str, Any], key: str, out: list[str]) -> list:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        out.append(f"{key}: expected a list")
        return []
    return value


def _cluster_id(item: str, obj: Mapping[str, Any], key: str, out: list[str]) -> None:
    cid = obj.get(key)
    if isinstance(cid, bool) or (cid is not None and not isinstance(cid, (str, int))):
        out.append(f"{item}: {key} must be a string or an integer (got {cid!r})")


def validate_record(
    record: Any, text: str, line_spans: set[tuple[int, int]] | None = None
) -> list[str]:
    """Every problem of one prediction object against its document's text (no line numbers)."""
    out: list[str] = []
    if not isinstance(record, dict):
        return [f"expected a JSON object, got {type(record).__name__}"]
    n = len(text)

    if "lines" in record:
        doc_lines = (
            line_spans if line_spans is not None else {(s.start, s.end) for s in iter_lines(text)}
        )
        seen: set[tuple[int, int]] = set()
        for i, ln in enumerate(_list(record, "lines", out)):
            item = f"lines[{i}]"
            span = _span(item, ln, n, out)
            if span is None:
                continue
            if span not in doc_lines:
                out.append(
                    f"{item}: [{span[0]}, {span[1]}) is not a non-empty line of the document"
                )
            elif span in seen:
                out.append(f"{item}: line [{span[0]}, {span[1]}) given twice")
            seen.add(span)
            if ln.get("label") not in schema.BOILERPLATE_LABELS:
                out.append(f"{item}: unknown line label {ln.get('label')!r}")

    seen = set()
    for i, m in enumerate(_list(record, "entities", out)):
        item = f"entities[{i}]"
        span = _span(item, m, n, out)
        if span is None:
            continue
        if m.get("type") not in schema.ENTITY_TYPES:
            out.append(f"{item}: unknown entity type {m.get('type')!r}")
        if span in seen:
            # One span, one mention: a second one would make coreference ambiguous.
            out.append(f"{item}: entity span [{span[0]}, {span[1]}) given twice")
        seen.add(span)
        _cluster_id(item, m, "entity", out)

    seen_events: set[tuple] = set()
    for i, ev in enumerate(_list(record, "events", out)):
        item = f"events[{i}]"
        if not isinstance(ev, dict):
            out.append(f"{item}: expected an object")
            continue
        trig = _span(f"{item}.trigger", ev.get("trigger"), n, out)
        etype = ev.get("type")
        known_type = etype in schema.EVENT_TYPES
        if not known_type:
            out.append(f"{item}: unknown event type {etype!r}")
        if trig is not None:
            if (*trig, etype) in seen_events:
                out.append(f"{item}: event {etype} at [{trig[0]}, {trig[1]}) given twice")
            seen_events.add((*trig, etype))
        realis = ev.get("realis")
        if realis is not None and realis not in schema.REALIS:
            out.append(f"{item}: unknown realis {realis!r}")
        _cluster_id(item, ev, "cluster", out)
        args = ev.get("arguments")
        if args is None:
            continue
        if not isinstance(args, list):
            out.append(f"{item}.arguments: expected a list")
            continue
        for j, a in enumerate(args):
            aitem = f"{item}.arguments[{j}]"
            if _span(aitem, a, n, out) is None:
                continue
            role = a.get("role")
            if role not in schema.ROLE_NAMES:
                out.append(f"{aitem}: unknown role {role!r}")
            elif known_type and role not in schema.roles_for(etype):
                allowed = ", ".join(schema.roles_for(etype))
                out.append(f"{aitem}: role {role!r} is not allowed for {etype} ({allowed})")
    return out


def parse_predictions(
    lines: Iterable[str], texts: Mapping[str, str]
) -> tuple[dict[str, dict[str, Any]], list[tuple[int, str]]]:
    """Parse JSONL prediction lines against the known documents' texts.

    Returns the records by doc_id and every problem as (line number, message). Blank lines are
    skipped. A record with problems is left out of the result.
    """
    records: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    line_cache: dict[str, set[tuple[int, int]]] = {}
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append((n, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            problems.append((n, f"expected a JSON object, got {type(obj).__name__}"))
            continue
        doc_id = obj.get("doc_id")
        if not isinstance(doc_id, str):
            problems.append((n, f"doc_id missing or not a string ({doc_id!r})"))
            continue
        if doc_id not in texts:
            problems.append((n, f"unknown doc_id {doc_id!r}"))
            continue
        if doc_id in first_line:
            problems.append((n, f"doc_id {doc_id!r} already given on line {first_line[doc_id]}"))
            continue
        first_line[doc_id] = n
        text = texts[doc_id]
        if "lines" in obj and doc_id not in line_cache:
            line_cache[doc_id] = {(s.start, s.end) for s in iter_lines(text)}
        found = validate_record(obj, text, line_cache.get(doc_id))
        problems.extend((n, f"{doc_id}: {p}") for p in found)
        if not found:
            records[doc_id] = obj
    return records, problems


def read_predictions(path: Path, texts: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Read and validate a prediction file; any problem -> all of them on stderr + UserError."""
    import sys

    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, expected a JSONL file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 (byte {exc.start})") from None
    records, problems = parse_predictions(content.split("\n"), texts)
    if problems:
        for n, msg in problems:
            print(f"{path}:{n}: {msg}", file=sys.stderr)
        raise UserError(
            f"{path}: {len(problems)} problem(s) in the predictions (listed above); nothing scored"
        )
    return records


def gold_to_predictions(gold: Mapping[str, Any]) -> dict[str, Any]:
    """One gold record (annotation/gold format) in the prediction format, clusters included.

    Scoring these against the gold gives 1.0 on every metric.
    """
    d = as_doc(gold)
    return {
        "doc_id": gold["doc_id"],
        "lines": [{"start": s, "end": e, "label": lab} for (s, e), lab in d.lines.items()],
        "entities": [
            {"start": s, "end": e, "type": t, "entity": c}
            for (s, e, t), c in zip(d.entities, d.entity_clusters, strict=True)
        ],
        "events": [
            {
                "trigger": {"start": ts, "end": te},
                "type": t,
                "realis": realis,
                "cluster": cluster,
                "arguments": [{"start": s, "end": e, "role": r} for s, e, r in args],
            }
            for ts, te, t, realis, cluster, args in d.events
        ],
    }


def dumps_predictions(records: Iterable[Mapping[str, Any]]) -> str:
    """JSONL text, records in doc_id order, keys sorted (byte-stable)."""
    rows = sorted(records, key=lambda r: r["doc_id"])
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def write_predictions(path: Path, records: Iterable[Mapping[str, Any]]) -> None:
    write_text_atomic(Path(path), dumps_predictions(records))
