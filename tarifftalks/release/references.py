"""The reference files shipped in both released folders, so every id of the dataset resolves:

- `kb.jsonl`: the knowledge base, one entity per line: `id` (the `kb` value of entity
  mentions), `name` (canonical name), `type` (entity type), `aliases` (other names);
- `event_registry.jsonl`: the event registry, one real-world event per line: `id` (the
  `cluster` value of event mentions across documents), `type`, `date` (ISO, when known),
  `description` (written by the project).

A cluster id that is not in the registry is document-local, `<doc_id>/<slug>`: it resolves by
its form to its own document (`scoring.coref.is_document_local`). Both files are written from
`annotation/` in one canonical form (rows sorted by id, keys in a fixed order), so their bytes
depend on their content only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import paths
from ..gold import read_kb
from ..io import present, read_jsonl
from ..shapes import NULL, STR, Shape

KB_FILE = "kb.jsonl"
REGISTRY_FILE = "event_registry.jsonl"
REGISTRY_SHAPE = Shape({"id": STR, "type": STR}, optional={"date": (STR, NULL), "description": STR})
_KB_KEYS = ("id", "name", "type", "aliases")
_REGISTRY_KEYS = ("id", "type", "date", "description")


def registry_path(root: Path | None = None) -> Path:
    return paths.annotation_dir(root) / "event_registry.jsonl"


def read_registry(path: Path) -> dict[str, dict[str, Any]]:
    """The event registry by id (shape-checked, ids unique); empty when the file is absent."""
    if not present(path):
        return {}
    return {row["id"]: row for row in read_jsonl(path, REGISTRY_SHAPE, unique="id")}


def _canonical(rows: dict[str, dict[str, Any]], keys: tuple[str, ...]) -> bytes:
    lines = []
    for _, row in sorted(rows.items()):
        ordered = {k: row[k] for k in keys if k in row}
        ordered.update((k, row[k]) for k in sorted(row) if k not in keys)
        lines.append(json.dumps(ordered, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


def reference_blobs(root: Path | None = None) -> dict[str, bytes]:
    """{file name: bytes} of the shipped KB and registry."""
    return {
        KB_FILE: _canonical(read_kb(paths.kb_path(root)), _KB_KEYS),
        REGISTRY_FILE: _canonical(read_registry(registry_path(root)), _REGISTRY_KEYS),
    }
