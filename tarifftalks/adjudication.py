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
`check_log` verifies that every disagreement has a decision naming a guideline rule and that the
gold holds the chosen value, so the log and the gold cannot drift apart.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from . import paths
from .io import present, read_jsonl, write_text_atomic
from .shapes import LIST, NULL, STR, Shape

LAYERS = ("lines", "entities", "clusters", "events", "notes")
# A decision row of the log; `a`, `b` and `gold` hold values of any kind.
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
    return problems


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
            known = {d["id"]: d for d in read_log(path)}
            rows = [
                known.get(d["id"], {**d, "chosen": None, "gold": None, "rule": "", "why": ""})
                for d in diffs
            ]
            write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
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
