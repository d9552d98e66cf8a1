"""The canonical gold format: one standoff JSON file per document in `annotation/gold/`.

    {
      "doc_id": "tt-000", "file": "000_….txt", "sha256": "<hex of the UTF-8 text>",
      "lines":    [{"start": 0, "end": 312, "label": "body"}, …],
      "entities": [{"id": "T1", "start": 0, "end": 5, "text": "Japan", "type": "GPE",
                    "level": "NAM", "entity": "C1", "kb": "japan", "timex": null}, …],
      "events":   [{"id": "V1", "type": "Contact:Negotiate", "realis": "planned",
                    "trigger": {"start": 117, "end": 129, "text": "negotiations"},
                    "cluster": "round4-talks",
                    "arguments": [{"mention": "T4", "role": "Participant"}, …]}, …],
      "notes":    [{"about": "V3", "text": "The text says Biden; the president was Trump."}]
    }

Offsets are code-point indices into the decoded text, half-open. `level` is null for types
without levels; `timex` is null for non-DATE/TIME types (and for DATE/TIME values that cannot be
resolved); `kb` is null for unnamed entities. Every layer is present even when empty.

`canonicalize` gives the one stable form: mentions renumbered T1… by offset, events V1… by
trigger, entity clusters C1… by first mention, lists sorted, keys sorted. Any producer (a pass,
Label Studio, an adjudication script) writes through it, so files compare byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import paths
from .errors import UserError
from .io import read_jsonl, write_text_atomic

LAYERS = ("lines", "entities", "events")


def canonicalize(gold: dict[str, Any]) -> dict[str, Any]:
    """Renumber ids and sort everything; references (arguments, notes) follow the renumbering."""
    ents = sorted(gold.get("entities", []), key=lambda m: (m["start"], m["end"], m["type"]))
    mention_map = {m["id"]: f"T{i}" for i, m in enumerate(ents, 1)}
    cluster_map: dict[str, str] = {}
    entities = []
    for i, m in enumerate(ents, 1):
        key = m.get("entity") or f"__singleton_{i}"
        if key not in cluster_map:
            cluster_map[key] = f"C{len(cluster_map) + 1}"
        entities.append(
            {
                "id": f"T{i}",
                "start": m["start"],
                "end": m["end"],
                "text": m["text"],
                "type": m["type"],
                "level": m.get("level"),
                "entity": cluster_map[key],
                "kb": m.get("kb"),
                "timex": m.get("timex"),
            }
        )
    evs = sorted(
        gold.get("events", []),
        key=lambda e: (e["trigger"]["start"], e["trigger"]["end"], e["type"]),
    )
    event_map = {e["id"]: f"V{i}" for i, e in enumerate(evs, 1)}
    events = []
    for i, e in enumerate(evs, 1):
        args = [
            {"mention": mention_map.get(a["mention"], a["mention"]), "role": a["role"]}
            for a in e.get("arguments", [])
        ]
        args.sort(key=lambda a: (_id_num(a["mention"]), a["role"]))
        events.append(
            {
                "id": f"V{i}",
                "type": e["type"],
                "realis": e["realis"],
                "trigger": {
                    "start": e["trigger"]["start"],
                    "end": e["trigger"]["end"],
                    "text": e["trigger"]["text"],
                },
                "cluster": e.get("cluster") or f"{gold['doc_id']}/V{i}",
                "arguments": args,
            }
        )
    id_map = {**mention_map, **event_map}
    notes = [
        {"about": id_map.get(n.get("about"), n.get("about")), "text": n["text"]}
        for n in gold.get("notes", [])
    ]
    notes.sort(key=lambda n: (str(n["about"]), n["text"]))
    lines = sorted(
        ({"start": ln["start"], "end": ln["end"], "label": ln["label"]} for ln in gold["lines"]),
        key=lambda ln: ln["start"],
    )
    return {
        "doc_id": gold["doc_id"],
        "file": gold["file"],
        "sha256": gold["sha256"],
        "lines": lines,
        "entities": entities,
        "events": events,
        "notes": notes,
    }


def _id_num(ident: str) -> tuple[int, str]:
    digits = "".join(ch for ch in ident if ch.isdigit())
    return (int(digits) if digits else 0, ident)


def dumps_gold(gold: dict[str, Any]) -> str:
    """The canonical text: fixed key order, one list item per line, so git diffs read well."""
    gold = canonicalize(gold)

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in gold.items():
        if isinstance(value, list):
            if value:
                items = ",\n".join(f"    {one(v)}" for v in value)
                parts.append(f'  "{key}": [\n{items}\n  ]')
            else:
                parts.append(f'  "{key}": []')
        else:
            parts.append(f'  "{key}": {one(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def gold_file(doc_id: str, directory: Path | None = None) -> Path:
    return (directory or paths.gold_dir()) / f"{doc_id}.json"


def read_gold_file(path: Path) -> dict[str, Any]:
    """Parse one gold file; malformed JSON or a missing layer is a one-line UserError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: malformed JSON at line {exc.lineno} ({exc.msg})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a JSON object")
    missing = [k for k in ("doc_id", "file", "sha256", *LAYERS) if k not in data]
    if missing:
        raise UserError(f"{path}: missing field(s) {', '.join(missing)}")
    data.setdefault("notes", [])
    return data


def read_gold_dir(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """All gold files of a folder, keyed by doc_id, in doc_id order."""
    directory = directory or paths.gold_dir()
    if not directory.is_dir():
        raise UserError(f"{directory}: gold folder not found")
    out = {}
    for path in sorted(directory.glob("*.json")):
        gold = read_gold_file(path)
        out[gold["doc_id"]] = gold
    return out


def write_gold(gold: dict[str, Any], directory: Path | None = None) -> Path:
    path = gold_file(gold["doc_id"], directory)
    write_text_atomic(path, dumps_gold(gold))
    return path


def read_kb(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The knowledge base: one JSON object per line with id, name, type, aliases."""
    path = path or paths.kb_path()
    if not path.is_file():
        return {}
    kb = {}
    for row in read_jsonl(path):
        kb[row["id"]] = row
    return kb
