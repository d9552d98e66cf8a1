"""The prediction format (docs/DESIGN.md §7) and its validator.

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
import reprlib
import sys
from collections.abc import Container, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from .. import schema
from ..errors import UserError
from ..io import read_text, write_text_atomic
from ..text import iter_lines
from .docs import as_doc

PRED_LAYERS = ("lines", "entities", "events")


# How problems are shown: a value in a message is cut short (a hostile file may hold megabytes
# in one field, or nesting deep enough to exhaust repr's recursion).
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 2, 40, 40
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = 3

# The command lists this many problems with their line numbers, then counts the rest.
SHOWN_PROBLEMS = 20


def _show(x: Any) -> str:
    return _REPR.repr(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _known(value: Any, names: Container[str]) -> bool:
    """A string among `names`; any other JSON value (list, object, number, null) is not."""
    return isinstance(value, str) and value in names


def _span(item: str, obj: Any, n_chars: int, out: list[str]) -> tuple[int, int] | None:
    if not isinstance(obj, dict):
        out.append(f"{item}: expected an object with start and end, got {_kind(obj)}")
        return None
    start, end = obj.get("start"), obj.get("end")
    if not (_is_int(start) and _is_int(end)):
        out.append(f"{item}: start and end must be integers (got {_show(start)}, {_show(end)})")
        return None
    if not 0 <= start < end <= n_chars:
        out.append(
            f"{item}: offsets [{_show(start)}, {_show(end)}) outside the text (length {n_chars})"
        )
        return None
    return start, end


_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}


def _kind(x: Any) -> str:
    return _KINDS.get(type(x), "a number")


def _list(record: Mapping[str, Any], key: str, out: list[str]) -> list:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        out.append(f"{key}: expected a list, got {_kind(value)}")
        return []
    return value


def _cluster_id(item: str, obj: Mapping[str, Any], key: str, out: list[str]) -> None:
    cid = obj.get(key)
    if isinstance(cid, bool) or (cid is not None and not isinstance(cid, (str, int))):
        out.append(f"{item}: {key} must be a string or an integer (got {_show(cid)})")


def validate_record(
    record: Any, text: str, line_spans: set[tuple[int, int]] | None = None
) -> list[str]:
    """Every problem of one prediction object against its document's text (no line numbers).

    The shape of every value is checked before it is used (a label given as a list, an argument
    as a string, …): any JSON value gives problems or none, never an exception.
    """
    out: list[str] = []
    if not isinstance(record, dict):
        return [f"expected a JSON object, got {_kind(record)}"]
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
            if not _known(ln.get("label"), schema.BOILERPLATE_LABELS):
                out.append(f"{item}: unknown line label {_show(ln.get('label'))}")

    seen = set()
    for i, m in enumerate(_list(record, "entities", out)):
        item = f"entities[{i}]"
        span = _span(item, m, n, out)
        if span is None:
            continue
        if not _known(m.get("type"), schema.ENTITY_TYPES):
            out.append(f"{item}: unknown entity type {_show(m.get('type'))}")
        if span in seen:
            # One span, one mention: a second one would make coreference ambiguous.
            out.append(f"{item}: entity span [{span[0]}, {span[1]}) given twice")
        seen.add(span)
        _cluster_id(item, m, "entity", out)

    seen_events: set[tuple] = set()
    for i, ev in enumerate(_list(record, "events", out)):
        item = f"events[{i}]"
        if not isinstance(ev, dict):
            out.append(f"{item}: expected an object, got {_kind(ev)}")
            continue
        trig = _span(f"{item}.trigger", ev.get("trigger"), n, out)
        etype = ev.get("type")
        known_type = _known(etype, schema.EVENT_TYPES)
        if not known_type:
            out.append(f"{item}: unknown event type {_show(etype)}")
        elif trig is not None:
            if (*trig, etype) in seen_events:
                out.append(f"{item}: event {etype} at [{trig[0]}, {trig[1]}) given twice")
            seen_events.add((*trig, etype))
        realis = ev.get("realis")
        if realis is not None and not _known(realis, schema.REALIS):
            out.append(f"{item}: unknown realis {_show(realis)}")
        _cluster_id(item, ev, "cluster", out)
        args = ev.get("arguments")
        if args is None:
            continue
        if not isinstance(args, list):
            out.append(f"{item}.arguments: expected a list, got {_kind(args)}")
            continue
        for j, a in enumerate(args):
            aitem = f"{item}.arguments[{j}]"
            if _span(aitem, a, n, out) is None:
                continue
            role = a.get("role")
            if not _known(role, schema.ROLE_NAMES):
                out.append(f"{aitem}: unknown role {_show(role)}")
            elif known_type and role not in schema.roles_for(etype):
                allowed = ", ".join(schema.roles_for(etype))
                out.append(f"{aitem}: role {role!r} is not allowed for {etype} ({allowed})")
    return out


def _loads(raw: str) -> tuple[Any, str | None]:
    """(value, None) or (None, why it is not JSON); never raises."""
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:  # e.g. 100,000 nested brackets
        return None, "not usable JSON (nested too deeply)"


def check_line(
    raw: str, texts: Mapping[str, str], line_cache: dict[str, set[tuple[int, int]]]
) -> tuple[str | None, dict[str, Any] | None, list[str]]:
    """One JSONL line: (its known doc_id or None, the record if valid, its problems)."""
    obj, bad = _loads(raw)
    if bad:
        return None, None, [bad]
    if not isinstance(obj, dict):
        return None, None, [f"expected a JSON object, got {_kind(obj)}"]
    doc_id = obj.get("doc_id")
    if not isinstance(doc_id, str):
        return None, None, [f"doc_id missing or not a string ({_show(doc_id)})"]
    if doc_id not in texts:
        return None, None, [f"unknown doc_id {_show(doc_id)}"]
    text = texts[doc_id]
    if "lines" in obj and doc_id not in line_cache:
        line_cache[doc_id] = {(s.start, s.end) for s in iter_lines(text)}
    found = validate_record(obj, text, line_cache.get(doc_id))
    return doc_id, (None if found else obj), [f"{doc_id}: {p}" for p in found]


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
        doc_id, record, found = check_line(raw, texts, line_cache)
        if doc_id is not None:
            if doc_id in first_line:
                found = [f"doc_id {doc_id!r} already given on line {first_line[doc_id]}"]
                record = None
            else:
                first_line[doc_id] = n
        problems.extend((n, p) for p in found)
        if record is not None:
            records[doc_id] = record  # type: ignore[index]
    return records, problems


_WHOLE_ARRAY_CHARS = 64 << 20


def json_array_problem(content: str) -> str | None:
    """Why `content` is a JSON array rather than JSON Lines, or None when it is not one.

    A pretty-printed array would otherwise give a problem per line; a one-line array is one
    JSON value. A JSONL file whose first line happens to be a list is left to the line checks.
    """
    head = content.lstrip()
    if not head.startswith("["):
        return None
    if len(content) <= _WHOLE_ARRAY_CHARS:  # parsed whole only to count its items
        whole, bad = _loads(content)
        if bad is None and isinstance(whole, list):
            return f"a JSON array of {len(whole)} item(s), not JSON Lines (one object per line)"
    first, _, rest = head.partition("\n")
    value, bad = _loads(first)
    if bad is None and isinstance(value, list) and not rest.strip():
        return f"a JSON array of {len(value)} item(s), not JSON Lines (one object per line)"
    if bad is not None and bad.startswith("not valid"):  # the first line is an unclosed array
        return "starts like a JSON array, not JSON Lines (one object per line)"
    return None


def refuse_array(path: Path, content: str) -> None:
    """A UserError in one line if the text is a JSON array rather than JSON Lines."""
    why = json_array_problem(content)
    if why:
        raise UserError(f"{path}: {why}; convert it, e.g. `jq -c '.[]' FILE > FILE.jsonl`")


def problem_report(path: Path, problems: list[tuple[int, str]], shown: int) -> list[str]:
    """The first `shown` problems as `FILE:LINE: message` lines, then a count of the rest."""
    rows = [f"{path}:{n}: {msg}" for n, msg in problems[:shown]]
    if len(problems) > shown:
        rows.append(
            f"{path}: … and {len(problems) - shown} more problem(s) "
            f"(not shown; `tarifftalks score --json` lists every one)"
        )
    return rows


def read_predictions(
    path: Path, texts: Mapping[str, str], shown: int | None = SHOWN_PROBLEMS
) -> dict[str, dict[str, Any]]:
    """Read and validate a prediction file; any problem -> the first `shown` of them (all with
    None) on stderr, then a UserError that carries them all (`.problems`)."""
    path = Path(path)
    content = read_text(path)
    refuse_array(path, content)
    records, problems = parse_predictions(content.split("\n"), texts)
    del content
    if problems:
        refuse(path, problems, shown)
    return records


def refuse(path: Path, problems: list[tuple[int, str]], shown: int | None) -> NoReturn:
    """Print the first `shown` problems (all with None) and raise the UserError that carries
    every one (`.problems`, for `--json`)."""
    for row in problem_report(path, problems, len(problems) if shown is None else shown):
        print(row, file=sys.stderr)
    err = UserError(
        f"{path}: {len(problems)} problem(s) in the predictions (listed above); nothing scored"
    )
    err.problems = problems  # type: ignore[attr-defined]
    raise err


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
