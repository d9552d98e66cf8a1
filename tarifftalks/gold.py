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
from .io import parse_json, present, read_jsonl, read_text, write_text_atomic
from .shapes import INT, NULL, STR, ListOf, Shape, refusal, shape_problems

LAYERS = ("lines", "entities", "events")

# The kinds of every key of a gold record (the values are checked by `validate.validate_gold`).
_SPAN = {"start": INT, "end": INT}
GOLD_SHAPE = Shape(
    {
        "doc_id": STR,
        "file": STR,
        "sha256": STR,
        "lines": ListOf(Shape({**_SPAN, "label": STR})),
        "entities": ListOf(
            Shape(
                {"id": STR, **_SPAN, "text": STR, "type": STR},
                optional={k: (STR, NULL) for k in ("level", "entity", "kb", "timex")},
            )
        ),
        "events": ListOf(
            Shape(
                {
                    "id": STR,
                    "type": STR,
                    "realis": STR,
                    "trigger": Shape({**_SPAN, "text": STR}),
                    "arguments": ListOf(Shape({"mention": STR, "role": STR})),
                },
                optional={"cluster": (STR, NULL)},
            )
        ),
    },
    optional={"notes": ListOf(Shape({"text": STR}, optional={"about": (STR, NULL)}))},
)
KB_SHAPE = Shape({"id": STR}, optional={"name": STR, "type": STR, "aliases": ListOf(STR)})


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
    """Parse one gold file and check the kind of every key (`GOLD_SHAPE`); anything else is a
    UserError with one `path: where: problem` line per problem."""
    data = parse_json(read_text(path), str(path))
    problems = shape_problems(data, GOLD_SHAPE)
    if problems:
        raise refusal([f"{path}: {p}" for p in problems])
    data.setdefault("notes", [])
    return data


def read_gold_dir(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """All gold files of a folder, keyed by doc_id, in doc_id order. Two files claiming one
    doc_id (an editor's `tt-001.old.json` backup) are an error naming both: keeping either
    silently would drop the other's annotation."""
    directory = directory or paths.gold_dir()
    if not directory.is_dir():
        raise UserError(f"{directory}: gold folder not found")
    out: dict[str, dict[str, Any]] = {}
    source: dict[str, Path] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.json")):
        if path.name.startswith("."):  # editor locks and temp files, never gold
            continue
        try:
            gold = read_gold_file(path)
        except UserError as exc:
            problems += str(exc).splitlines()
            continue
        doc_id = gold["doc_id"]
        if doc_id in source:
            problems.append(
                f"{path}: doc_id {doc_id!r} is also claimed by {source[doc_id]}; "
                "keep one file per document"
            )
            continue
        source[doc_id] = path
        out[doc_id] = gold
    if problems:
        raise refusal(problems)
    return dict(sorted(out.items()))


def write_gold(gold: dict[str, Any], directory: Path | None = None) -> Path:
    path = gold_file(gold["doc_id"], directory)
    write_text_atomic(path, dumps_gold(gold))
    return path


def read_kb(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The knowledge base: one JSON object per line with id, name, type, aliases; ids unique."""
    path = path or paths.kb_path()
    if not present(path):
        return {}
    return {row["id"]: row for row in read_jsonl(path, KB_SHAPE, unique="id")}
