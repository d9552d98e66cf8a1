"""The gold validator (docs/DESIGN.md §4.4): every rule reports `file: item: problem`.

The rules, each with its own test in tests/test_validate.py:
  shape       every key has its JSON kind (`gold.GOLD_SHAPE`), checked before any other rule
  hash        the file's sha256 must equal the text's
  schema      labels, types, levels, realis, event types and roles come from `schema`
  bounds      offsets are integers with 0 <= start < end <= len(text)
  text        a span's stored text equals the text at its offsets
  lines       the labelled lines are exactly the document's non-empty lines, one label each
  content     entity and trigger spans lie inside one content line (title/body)
  overlap     entity spans do not overlap
  refs        ids are unique; arguments point to entity mentions of the same document
  attributes  level only (and always) for leveled types; timex only for DATE/TIME; kb ids exist
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import schema
from .corpus import Document, sha256_text
from .errors import UserError
from .gold import GOLD_SHAPE, read_gold_dir
from .shapes import shape_problems
from .text import iter_lines

_TIMEX = re.compile(
    r"^(PRESENT_REF|PAST_REF|FUTURE_REF|"
    r"P[0-9.]+[YMWDH]|PT[0-9.]+[HMS]|"
    r"\d{4}(-(\d{2}(-\d{2})?|W\d{2}(-WE)?|Q[1-4]|H[12]|SU|SP|FA|WI))?(T\d{2}(:\d{2})?)?)$"
)


def _span_problems(item: str, span: Any, text: str) -> list[str]:
    if not isinstance(span, dict):
        return [f"{item}: not an object"]
    start, end = span.get("start"), span.get("end")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        return [f"{item}: start/end must be integers"]
    if not 0 <= start < end <= len(text):
        return [f"{item}: offsets [{start}, {end}) outside the text (length {len(text)})"]
    if "text" in span and span["text"] != text[start:end]:
        return [
            f"{item}: span text {span['text']!r} does not match the text at "
            f"[{start}, {end}): {text[start:end]!r}"
        ]
    return []


def validate_gold(
    gold: dict[str, Any],
    doc: Document,
    kb: dict[str, Any] | None = None,
    source: str | None = None,
) -> list[str]:
    """All problems of one gold record against its document; empty when valid. The kinds of
    all keys are checked first (`gold.GOLD_SHAPE`): if any is wrong, those are the problems,
    and the value rules below can rely on every string being a string."""
    doc_id = gold.get("doc_id") if isinstance(gold, dict) else None
    src = source or f"{doc_id if isinstance(doc_id, str) else '?'}.json"
    shape = shape_problems(gold, GOLD_SHAPE)
    if shape:
        return [f"{src}: {p}" for p in shape]
    text = doc.text
    out: list[str] = []

    def add(item: str, problem: str) -> None:
        out.append(f"{src}: {item}: {problem}")

    if gold.get("doc_id") != doc.doc_id:
        add("doc_id", f"{gold.get('doc_id')!r} is not {doc.doc_id!r}")
    if gold.get("sha256") != sha256_text(text):
        add("sha256", f"text hash mismatch ({str(gold.get('sha256'))[:12]}… vs {doc.sha256[:12]}…)")
        return out  # offsets into another text are meaningless

    # lines
    expected = {(s.start, s.end) for s in iter_lines(text)}
    labelled: dict[tuple[int, int], str] = {}
    for i, ln in enumerate(gold.get("lines", [])):
        item = f"lines[{i}]"
        probs = _span_problems(item, ln, text)
        if probs:
            out.extend(f"{src}: {p}" for p in probs)
            continue
        key = (ln["start"], ln["end"])
        if ln.get("label") not in schema.BOILERPLATE_LABELS:
            add(item, f"unknown line label {ln.get('label')!r}")
        if key not in expected:
            add(item, f"[{key[0]}, {key[1]}) is not a line of the text")
        if key in labelled:
            add(item, f"line [{key[0]}, {key[1]}) labelled twice")
        labelled[key] = ln.get("label")
    for start, end in sorted(expected - set(labelled)):
        add(f"line [{start}, {end})", f"has no label: {text[start:end][:40]!r}")
    content = sorted(k for k, v in labelled.items() if v in schema.CONTENT_LABELS)

    def in_content(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in content)

    # entities
    ids: set[str] = set()
    mentions: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, str]] = []
    for i, m in enumerate(gold.get("entities", [])):
        item = f"entities[{i}]" + (f" {m.get('id')}" if isinstance(m, dict) else "")
        probs = _span_problems(item, m, text)
        if probs:
            out.extend(f"{src}: {p}" for p in probs)
            continue
        mid = m.get("id")
        if not isinstance(mid, str) or mid in ids:
            add(item, f"id {mid!r} missing or duplicated")
        ids.add(mid)
        mentions[mid] = m
        etype = m.get("type")
        level = m.get("level")
        if etype not in schema.ENTITY_TYPES:
            add(item, f"unknown entity type {etype!r}")
        elif etype in schema.LEVELED_TYPES:
            if level not in schema.MENTION_LEVELS:
                add(item, f"level {level!r} must be one of {', '.join(schema.LEVEL_NAMES)}")
        elif level is not None:
            add(item, f"type {etype} takes no level (got {level!r})")
        timex = m.get("timex")
        if timex is not None:
            if etype not in schema.TIMEX_TYPES:
                add(item, f"type {etype} takes no timex (got {timex!r})")
            elif not isinstance(timex, str) or not _TIMEX.match(timex):
                add(item, f"timex {timex!r} is not a TIMEX3 value")
        kb_id = m.get("kb")
        if kb_id is not None and kb is not None and kb_id not in kb:
            add(item, f"kb id {kb_id!r} not in the knowledge base")
        if not in_content(m["start"], m["end"]):
            add(item, "span is not inside one content line (title/body)")
        spans.append((m["start"], m["end"], str(mid)))
    spans.sort()
    for (s1, e1, a), (s2, e2, b) in zip(spans, spans[1:], strict=False):
        if s2 < e1:
            add(f"entities {a} and {b}", f"spans [{s1}, {e1}) and [{s2}, {e2}) overlap")

    # events
    for i, ev in enumerate(gold.get("events", [])):
        item = f"events[{i}]" + (f" {ev.get('id')}" if isinstance(ev, dict) else "")
        if not isinstance(ev, dict):
            add(item, "not an object")
            continue
        eid = ev.get("id")
        if not isinstance(eid, str) or eid in ids:
            add(item, f"id {eid!r} missing or duplicated")
        ids.add(eid)
        etype = ev.get("type")
        if etype not in schema.EVENT_TYPES:
            add(item, f"unknown event type {etype!r}")
        if ev.get("realis") not in schema.REALIS:
            add(item, f"unknown realis {ev.get('realis')!r}")
        cluster = ev.get("cluster")
        if cluster is not None and (not isinstance(cluster, str) or not cluster):
            add(item, f"cluster {cluster!r} must be a non-empty string (or null: a singleton)")
        trig = ev.get("trigger")
        probs = _span_problems(f"{item} trigger", trig, text)
        if probs:
            out.extend(f"{src}: {p}" for p in probs)
        elif not in_content(trig["start"], trig["end"]):
            add(f"{item} trigger", "span is not inside one content line (title/body)")
        seen_args = set()
        for j, arg in enumerate(ev.get("arguments", [])):
            aitem = f"{item} arguments[{j}]"
            role, target = arg.get("role"), arg.get("mention")
            if target not in mentions:
                add(aitem, f"points to {target!r}, which is no entity mention of this document")
                continue
            if role not in schema.ROLE_NAMES:
                add(aitem, f"unknown role {role!r}")
            elif etype in schema.EVENT_TYPES and role not in schema.roles_for(etype):
                add(aitem, f"role {role} is not allowed for {etype}")
            elif not schema.role_accepts(role, mentions[target]["type"]):
                add(aitem, f"role {role} cannot be filled by a {mentions[target]['type']} mention")
            if (target, role) in seen_args:
                add(aitem, f"duplicate argument {target} as {role}")
            seen_args.add((target, role))

    for i, note in enumerate(gold.get("notes", [])):
        if note.get("about") is not None and note["about"] not in ids:
            add(f"notes[{i}]", f"about {note['about']!r}, which is no mention or event id")
    return out


def validate_dir(
    gold_by_doc: dict[str, dict[str, Any]],
    docs: Iterable[Document],
    kb: dict[str, Any] | None,
    folder: Path,
    require_all: bool = True,
) -> list[str]:
    problems: list[str] = []
    docs = {d.doc_id: d for d in docs}
    for doc_id, gold in gold_by_doc.items():
        name = str(folder / f"{doc_id}.json")
        if doc_id not in docs:
            problems.append(f"{name}: doc_id: {doc_id!r} is not in seeds/manifest.jsonl")
            continue
        problems.extend(validate_gold(gold, docs[doc_id], kb, name))
    if require_all:
        for doc_id in sorted(set(docs) - set(gold_by_doc)):
            problems.append(f"{folder / (doc_id + '.json')}: file: missing")
    return problems


def read_valid_gold_dir(
    folder: Path,
    docs: Iterable[Document],
    kb: dict[str, Any] | None,
    require_all: bool = True,
) -> dict[str, dict[str, Any]]:
    """The gold of `folder` if it passes every rule, else a UserError naming the first problem
    and how many there are: what build, agreement and adjudicate read, so none of them ever
    computes on a record the validator would refuse."""
    gold = read_gold_dir(folder)
    problems = validate_dir(gold, docs, kb, folder, require_all=require_all)
    if problems:
        hint = f"tarifftalks validate --gold {folder}" + ("" if require_all else " --partial")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(f"{problems[0]}{more}; run `{hint}`")
    return gold
