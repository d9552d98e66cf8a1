"""Adjudication of two passes: what differs, what was chosen, and a check that gold follows it.

`disagreements(a, b)` lists every item on which two passes of one document differ:
  lines     key [start, end]            value: the label
  entities  key [start, end]            value: {type, level, kb, timex} (null: not annotated)
  clusters  key [start, end]            value: the spans of the other mentions in its entity cluster
  events    key [t_start, t_end]        value: {type, realis, cluster, arguments} (null: absent)
  notes     key [start, end] of the mention or trigger a note is about   value: true
Event clusters are compared only when they are registry ids (document-local ids are names an
annotator made up); note texts are prose, so only which item carries a note is compared.

The log, `annotation/adjudication/<doc_id>.jsonl`, holds one decision per disagreement:
  {"id", "layer", "key", "text", "a", "b", "chosen": "a" | "b" | "other", "gold", "rule", "why"}
Rows with an id `review:<layer>:<start>-<end>` record a change to an item both passes agreed on
(a guideline decision made after the passes, a KB entry added later), with the new value in
`gold`. `check_log` verifies that every disagreement has a decision naming a guideline rule and
that the gold holds every chosen and reviewed value, so the log and the gold cannot drift apart.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from . import paths
from .gold import canonicalize
from .io import present, read_jsonl, write_text_atomic
from .shapes import LIST, NULL, STR, Shape

LAYERS = ("lines", "entities", "clusters", "events", "notes")
# A decision row of the log; `a`, `b` and `gold` hold values of any kind.
# Log rows whose id starts with this record a change to an item both passes agreed on.
REVIEW_PREFIX = "review:"

LOG_ROW = Shape(
    {"id": STR},
    optional={
        "layer": STR,
        "key": LIST,
        "text": STR,
        "chosen": (STR, NULL),
        "rule": (STR, NULL),
        "why": (STR, NULL),
    },
)


def _registry_cluster(cluster: str | None) -> str | None:
    return cluster if cluster and "/" not in cluster else None


def item_values(gold: dict[str, Any]) -> dict[str, dict[tuple[int, int], Any]]:
    """{layer: {key: value}} of one gold record, the comparable form of each item."""
    mentions = {m["id"]: m for m in gold["entities"]}
    events: dict[tuple[int, int], Any] = {}
    for e in gold["events"]:
        args = sorted(
            [mentions[a["mention"]]["start"], mentions[a["mention"]]["end"], a["role"]]
            for a in e["arguments"]
        )
        value = {
            "type": e["type"],
            "realis": e["realis"],
            "cluster": _registry_cluster(e.get("cluster")),
            "arguments": args,
        }
        key = (e["trigger"]["start"], e["trigger"]["end"])
        # Two events on one trigger (rare) are compared as a sorted list.
        if key in events:
            prev = events[key] if isinstance(events[key], list) else [events[key]]
            events[key] = sorted([*prev, value], key=lambda v: v["type"])
        else:
            events[key] = value
    members: dict[Any, list[tuple[int, int]]] = {}
    for m in gold["entities"]:
        members.setdefault(m.get("entity") or m["id"], []).append((m["start"], m["end"]))
    clusters = {
        (m["start"], m["end"]): sorted(
            [list(x) for x in members[m.get("entity") or m["id"]] if x != (m["start"], m["end"])]
        )
        for m in gold["entities"]
    }
    spans = {m["id"]: (m["start"], m["end"]) for m in gold["entities"]}
    spans.update({e["id"]: (e["trigger"]["start"], e["trigger"]["end"]) for e in gold["events"]})
    notes = {spans[n["about"]]: True for n in gold.get("notes", []) if n.get("about") in spans}
    return {
        "clusters": clusters,
        "notes": notes,
        "lines": {(ln["start"], ln["end"]): ln["label"] for ln in gold["lines"]},
        "entities": {
            (m["start"], m["end"]): {k: m.get(k) for k in ("type", "level", "kb", "timex")}
            for m in gold["entities"]
        },
        "events": events,
    }


def disagreements(a: dict[str, Any], b: dict[str, Any], text: str) -> list[dict[str, Any]]:
    va, vb = item_values(a), item_values(b)
    out = []
    for layer in LAYERS:
        for key in sorted(set(va[layer]) | set(vb[layer])):
            x, y = va[layer].get(key), vb[layer].get(key)
            if x != y:
                out.append(
                    {
                        "id": f"{layer}:{key[0]}-{key[1]}",
                        "layer": layer,
                        "key": list(key),
                        "text": text[key[0] : key[1]][:80],
                        "a": x,
                        "b": y,
                    }
                )
    return out


def check_log(
    gold: dict[str, Any], diffs: list[dict[str, Any]], log: list[dict[str, Any]], name: str
) -> list[str]:
    """Problems: a disagreement without a decision or rule, or gold not holding the choice."""
    problems = []
    decided = {d["id"]: d for d in log}
    values = item_values(gold)
    for diff in diffs:
        d = decided.get(diff["id"])
        if d is None:
            problems.append(f"{name}: {diff['id']}: disagreement {diff['text']!r} not adjudicated")
            continue
        if d.get("chosen") not in ("a", "b", "other") or not d.get("rule"):
            problems.append(f"{name}: {diff['id']}: decision needs chosen (a/b/other) and rule")
            continue
        expected = diff[d["chosen"]] if d["chosen"] in ("a", "b") else d.get("gold")
        actual = values[diff["layer"]].get(tuple(diff["key"]))
        if actual != expected:
            problems.append(
                f"{name}: {diff['id']}: gold has {actual!r}, the log chose {expected!r}"
            )
    # Review rows: changes to items both passes agreed on (a later guideline decision, a KB entry
    # added after the passes); the gold must hold their value too.
    for d in log:
        if not str(d.get("id", "")).startswith(REVIEW_PREFIX):
            continue
        layer, key = d.get("layer"), d.get("key")
        if layer not in values or not _is_span(key) or not d.get("rule"):
            problems.append(f"{name}: {d['id']}: review row needs layer, key [start, end], rule")
            continue
        if values[layer].get(tuple(key)) != d.get("gold"):
            problems.append(
                f"{name}: {d['id']}: gold has {values[layer].get(tuple(key))!r}, "
                f"the review set {d.get('gold')!r}"
            )
    return problems


def _is_span(x: Any) -> bool:
    # type(...) is int: a bool is no offset
    return isinstance(x, list) and len(x) == 2 and all(type(v) is int for v in x)


def _opt_str(x: Any) -> bool:
    return x is None or isinstance(x, str)


def _event_value_ok(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("type"), str)
        and isinstance(v.get("realis"), str)
        and _opt_str(v.get("cluster"))
        and isinstance(v.get("arguments"), list)
        and all(
            isinstance(x, list)
            and len(x) == 3
            and type(x[0]) is int
            and type(x[1]) is int
            and isinstance(x[2], str)
            for x in v["arguments"]
        )
    )


def _value_ok(layer: str, v: Any) -> bool:
    """Is `v` a value of `layer` in the form `item_values` gives (None: the item is absent)?"""
    if v is None:
        return True
    if layer == "lines":
        return isinstance(v, str)
    if layer == "entities":
        return (
            isinstance(v, dict)
            and isinstance(v.get("type"), str)
            and all(_opt_str(v.get(k)) for k in ("level", "kb", "timex"))
        )
    if layer == "clusters":
        return isinstance(v, list) and all(_is_span(x) for x in v)
    if layer == "events":
        if isinstance(v, list):
            return bool(v) and all(_event_value_ok(x) for x in v)
        return _event_value_ok(v)
    return v is True  # notes


def decided_gold(
    a: dict[str, Any], b: dict[str, Any], log: list[Any], text: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """The gold that passes a and b and the log's decisions determine, or why there is none.

    Items both passes agree on are kept; each disagreement takes the value its decision chose
    (a, b, or `gold` for "other"). What the comparison leaves out follows the pass that gave
    the item: note texts, document-local event clusters. Document notes are a's, then b's not in
    a's. The result is checked against every value it was built from, so contradictory
    decisions (an argument whose mention was decided away) are reported, never written."""
    a, b = canonicalize(a), canonicalize(b)  # event order = the V<n> of positional clusters
    doc_id = a["doc_id"]
    positional = re.compile(re.escape(doc_id) + r"/V\d+")
    diffs = disagreements(a, b, text)
    decided = {d["id"]: d for d in log if isinstance(d, dict) and isinstance(d.get("id"), str)}
    passes = {"a": a, "b": b}
    va = item_values(a)
    final = {layer: dict(va[layer]) for layer in LAYERS}
    source: dict[str, dict[tuple[int, int], str | None]] = {
        layer: dict.fromkeys(va[layer], "a") for layer in LAYERS
    }
    problems: list[str] = []
    for diff in diffs:
        did, layer, key = diff["id"], diff["layer"], tuple(diff["key"])
        d = decided.get(did)
        chosen = d.get("chosen") if d else None
        if d is None or chosen not in ("a", "b", "other") or not d.get("rule"):
            problems.append(f"{did}: {diff['text']!r} not adjudicated (chosen a/b/other and rule)")
            continue
        if d.get("a") != diff["a"] or d.get("b") != diff["b"]:
            problems.append(f"{did}: decided between other values than the passes hold now")
            continue
        value = diff[chosen] if chosen in ("a", "b") else d.get("gold")
        if not _value_ok(layer, value):
            problems.append(f"{did}: gold {value!r} is not a {layer} value")
            continue
        if value is None:
            final[layer].pop(key, None)
        else:
            final[layer][key] = value
        src = chosen if chosen in ("a", "b") else None
        if src is None:
            src = "a" if value == diff["a"] else "b" if value == diff["b"] else None
        source[layer][key] = src
    if problems:
        return None, problems

    # entities, each with an id the other layers can refer to
    entities: list[dict[str, Any]] = []
    mention_at: dict[tuple[int, int], str] = {}
    for i, ((s, e), v) in enumerate(sorted(final["entities"].items()), 1):
        mention_at[(s, e)] = f"M{i}"
        entities.append(
            {
                "id": f"M{i}",
                "start": s,
                "end": e,
                "text": text[s:e],
                "type": v["type"],
                "level": v.get("level"),
                "entity": None,
                "kb": v.get("kb"),
                "timex": v.get("timex"),
            }
        )
    # entity clusters: the decided member lists, joined (a contradiction shows in the check)
    parent = {span: span for span in mention_at}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for span, others in sorted(final["clusters"].items()):
        for other in others:
            o = tuple(other)
            if span in parent and o in parent:
                parent[find(o)] = find(span)
    for m in entities:
        root = find((m["start"], m["end"]))
        m["entity"] = f"E{root[0]}-{root[1]}"

    # events
    events: list[dict[str, Any]] = []
    local: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (s, e), value in sorted(final["events"].items()):
        src = source["events"].get((s, e))
        originals = [
            ev
            for ev in (passes[src]["events"] if src else [])
            if (ev["trigger"]["start"], ev["trigger"]["end"]) == (s, e)
        ]
        for v in value if isinstance(value, list) else [value]:
            args = []
            for start, end, role in v["arguments"]:
                if (start, end) not in mention_at:
                    problems.append(
                        f"events:{s}-{e}: argument {role} at [{start}, {end}) is no entity "
                        "mention of the decided version"
                    )
                    continue
                args.append({"mention": mention_at[(start, end)], "role": role})
            ev = {
                "id": f"W{len(events) + 1}",
                "type": v["type"],
                "realis": v["realis"],
                "trigger": {"start": s, "end": e, "text": text[s:e]},
                "cluster": v.get("cluster"),
                "arguments": args,
            }
            if ev["cluster"] is None:
                same = [o for o in originals if o["type"] == v["type"]]
                name = same[0].get("cluster") if same else None
                if isinstance(name, str) and positional.fullmatch(name):
                    local.setdefault((src, name), []).append(ev)
                elif isinstance(name, str) and "/" in name:
                    ev["cluster"] = name  # a name an annotator gave, e.g. tt-000/any-deal
            events.append(ev)
    # Positional local clusters (`<doc>/V<n>`, canonicalize's default): a group stays one, named
    # after its first event in the new order; a singleton gets its new default. A stale
    # `<doc>/V<n>` could otherwise join unrelated events.
    order = sorted(
        events, key=lambda ev: (ev["trigger"]["start"], ev["trigger"]["end"], ev["type"])
    )
    index = {id(ev): i for i, ev in enumerate(order, 1)}
    for members in local.values():
        if len(members) > 1:
            first = min(index[id(ev)] for ev in members)
            for ev in members:
                ev["cluster"] = f"{doc_id}/V{first}"

    # notes: the text of the pass that gave the item
    notes: list[dict[str, Any]] = []
    event_at = {(ev["trigger"]["start"], ev["trigger"]["end"]): ev["id"] for ev in events}
    for span in sorted(final["notes"]):
        src = source["notes"].get(span)
        found = []
        if src:
            p = passes[src]
            kinds = {m["id"]: "entity" for m in p["entities"]}
            kinds.update({ev["id"]: "event" for ev in p["events"]})
            spans = {m["id"]: (m["start"], m["end"]) for m in p["entities"]}
            spans.update(
                {ev["id"]: (ev["trigger"]["start"], ev["trigger"]["end"]) for ev in p["events"]}
            )
            found = [
                (kinds[n["about"]], n["text"])
                for n in p.get("notes", [])
                if n.get("about") in spans and spans[n["about"]] == span
            ]
        if not found:
            problems.append(f"notes:{span[0]}-{span[1]}: no note text to take (choose a or b)")
        for kind, note in found:
            about = event_at.get(span) if kind == "event" else mention_at.get(span)
            if about is None:
                problems.append(
                    f"notes:{span[0]}-{span[1]}: the {kind} it is about was decided away"
                )
                continue
            notes.append({"about": about, "text": note})
    doc_notes = [n["text"] for n in a.get("notes", []) if n.get("about") is None]
    doc_notes += [
        n["text"]
        for n in b.get("notes", [])
        if n.get("about") is None and n["text"] not in doc_notes
    ]
    notes += [{"about": None, "text": t} for t in doc_notes]
    if problems:
        return None, problems

    gold = canonicalize(
        {
            "doc_id": doc_id,
            "file": a["file"],
            "sha256": a["sha256"],
            "lines": [
                {"start": k[0], "end": k[1], "label": v} for k, v in sorted(final["lines"].items())
            ],
            "entities": entities,
            "events": events,
            "notes": notes,
        }
    )
    got = item_values(gold)
    for layer in LAYERS:
        for key in sorted(set(got[layer]) | set(final[layer])):
            if got[layer].get(key) != final[layer].get(key):
                problems.append(
                    f"{layer}:{key[0]}-{key[1]}: the decisions together give "
                    f"{got[layer].get(key)!r}, not {final[layer].get(key)!r} (contradictory "
                    "choices?)"
                )
    return (None, problems) if problems else (gold, [])


DECISION_FIELDS = ("chosen", "gold", "rule", "why")


def skeleton_rows(diffs: list[dict[str, Any]], previous: list[Any]) -> list[dict[str, Any]]:
    """One log row per disagreement. A decision already made is kept while the values it chose
    between are still the passes' values (a redone pass reopens it)."""
    known = {d["id"]: d for d in previous if isinstance(d, dict) and isinstance(d.get("id"), str)}
    rows = []
    for diff in diffs:
        old = known.get(diff["id"])
        if old is not None and old.get("a") == diff["a"] and old.get("b") == diff["b"]:
            rows.append({**diff, **{k: old.get(k) for k in DECISION_FIELDS}})
        else:
            rows.append({**diff, "chosen": None, "gold": None, "rule": "", "why": ""})
    # Review rows are decisions on agreed items: no disagreement reopens them.
    rows += [d for d in known.values() if d["id"].startswith(REVIEW_PREFIX)]
    return rows


def dumps_log(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def log_path(doc_id: str, root: Path | None = None) -> Path:
    return paths.annotation_dir(root) / "adjudication" / f"{doc_id}.jsonl"


def read_log(path: Path) -> list[dict[str, Any]]:
    """The decisions of one log (none if there is no log yet); ids unique, kinds checked."""
    return read_jsonl(path, LOG_ROW, unique="id") if present(path) else []


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from .agreement import common_passes
    from .corpus import load_documents
    from .gold import read_kb
    from .validate import read_valid_gold_dir

    root = Path(args.root).resolve() if args.root else paths.repo_root()
    docs = {d.doc_id: d for d in load_documents(root)}
    a, b = common_passes(root)
    gold = {}
    if not args.skeleton:
        gold_dir = paths.gold_dir(root)
        kb = read_kb(paths.kb_path(root))
        gold = read_valid_gold_dir(gold_dir, docs.values(), kb, require_all=False)
    problems: list[str] = []
    pending: list[str] = []
    for doc_id in sorted(a):
        diffs = disagreements(a[doc_id], b[doc_id], docs[doc_id].text)
        path = log_path(doc_id, root)
        if args.skeleton:
            write_text_atomic(path, dumps_log(skeleton_rows(diffs, read_log(path))))
            print(f"{path}: {len(diffs)} disagreement(s)")
        elif doc_id not in gold:
            pending.append(doc_id)  # passes made, adjudication not finished: not built yet
        else:
            problems += check_log(gold[doc_id], diffs, read_log(path), str(path))
    if pending:
        print(f"pending adjudication (passes, no gold yet): {', '.join(pending)}")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    if not args.skeleton:
        print("ok: every disagreement adjudicated and followed by the gold")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adjudicate", help="check (or start) the adjudication log of passes a vs b")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.add_argument(
        "--skeleton",
        action="store_true",
        help="write annotation/adjudication/<doc>.jsonl with one row per disagreement "
        "(keeps decisions already made)",
    )
    p.set_defaults(func=cmd_adjudicate)
