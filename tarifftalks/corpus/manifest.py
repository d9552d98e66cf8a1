"""`seeds/manifest.jsonl`: its fields, reading it, appending to it, and the doc-id/file-name scheme.

Rows are appended, never rewritten: a maintainer's edits (a story overruled by hand) survive every
later ingest. The whole file is rewritten atomically with the old rows byte-for-byte in front.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import UserError
from ..io import read_jsonl, write_bytes_atomic
from ..shapes import MANIFEST_ROW

# docs/DESIGN.md §3: every row has these.
MANIFEST_FIELDS: tuple[str, ...] = (
    "doc_id",
    "file",
    "sha256",
    "outlet",
    "title",
    "published",
    "published_basis",
    "published_reason",
    "story_id",
    "near_duplicate_of",
)
# docs/DESIGN.md §10: provenance and authorship, with the value a row written before them stands
# for.
EXTRA_FIELDS: dict[str, Any] = {
    "source_url": None,
    "site": None,
    "retrieved": None,
    "truncated": False,
    "authored": False,
    "occasion": None,
    "facts": None,
    "reported_by": None,
}
ROW_FIELDS: tuple[str, ...] = MANIFEST_FIELDS + tuple(EXTRA_FIELDS)
PUBLISHED_BASES: tuple[str, ...] = ("stated", "inferred")
DOC_PREFIX = "tt-"
_CODE = re.compile(r"^(x*)(\d+)$")


def number_code(n: int) -> str:
    """A code for document number n whose string order is its numeric order, past 999.

    0–999 keep the seeds' three digits (`000` … `999`); longer numbers are prefixed with one `x`
    per extra digit (`x1000` … `x9999`, `xx10000` …). `x` sorts after every digit, so `999` <
    `x1000` < `x9999` < `xx10000`, and existing ids and file names never need renaming.
    """
    if n < 0:
        raise ValueError(n)
    digits = f"{n:03d}"
    return "x" * (len(digits) - 3) + digits


def code_number(code: str) -> int | None:
    """The number of a code written by `number_code`, or None for anything else."""
    m = _CODE.match(code)
    if not m or len(m.group(2)) != 3 + len(m.group(1)):
        return None
    return int(m.group(2))


def doc_id_of(n: int) -> str:
    return f"{DOC_PREFIX}{number_code(n)}"


def file_name_of(n: int, sha256: str) -> str:
    return f"{number_code(n)}_{sha256[:16]}.txt"


def doc_number(doc_id: str) -> int | None:
    return code_number(doc_id[len(DOC_PREFIX) :]) if doc_id.startswith(DOC_PREFIX) else None


def read_rows(root: Path | None = None, missing_ok: bool = False) -> list[dict[str, Any]]:
    """The manifest's rows in file (= ingest) order, fields checked; [] if absent and missing_ok."""
    path = paths.manifest_path(root)
    if not path.is_file():
        if missing_ok:
            return []
        raise UserError(f"{path}: manifest not found")
    # Shapes first (a list where a story id belongs is a refusal), then defaults for old rows.
    rows = read_jsonl(path, MANIFEST_ROW, unique="doc_id")
    for row in rows:
        for k, default in EXTRA_FIELDS.items():
            row.setdefault(k, default)
    return rows


def read_manifest(root: Path | None = None) -> list[dict[str, Any]]:
    """All rows sorted by doc_id (the id scheme sorts in ingest order)."""
    return sorted(read_rows(root), key=lambda r: r["doc_id"])


def row_line(row: dict[str, Any]) -> str:
    """One manifest line: the fields in their documented order, plain JSON."""
    ordered = {k: row.get(k, EXTRA_FIELDS.get(k)) for k in ROW_FIELDS}
    ordered.update((k, v) for k, v in row.items() if k not in ordered)
    return json.dumps(ordered, ensure_ascii=False) + "\n"


def append_rows(root: Path | None, rows: list[dict[str, Any]]) -> None:
    """Append rows atomically: the existing bytes are kept as they are, the new lines follow."""
    path = paths.manifest_path(root)
    try:
        old = path.read_bytes() if path.is_file() else b""
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    if old and not old.endswith(b"\n"):
        old += b"\n"
    new = "".join(row_line(r) for r in rows).encode("utf-8")
    try:
        write_bytes_atomic(path, old + new)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror})") from None
