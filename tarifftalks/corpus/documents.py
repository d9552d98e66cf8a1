"""Documents: the manifest's rows with their hash-checked text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import UserError
from .manifest import EXTRA_FIELDS, MANIFEST_FIELDS, read_manifest


@dataclass(frozen=True)
class Document:
    doc_id: str
    file: str
    sha256: str
    outlet: str | None
    title: str | None
    published: str | None  # ISO date; None when the text gives no date and none can be inferred
    published_basis: str | None
    published_reason: str | None
    story_id: str
    near_duplicate_of: str | None
    text: str
    source_url: str | None = None
    site: str | None = None
    retrieved: str | None = None
    truncated: bool = False
    authored: bool = False
    occasion: str | None = None
    facts: tuple[str, ...] | None = None
    reported_by: tuple[str, ...] | None = field(default=None)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path, expected_sha256: str | None = None, doc_id: str = "?") -> str:
    if not path.is_file():
        raise UserError(f"{path}: seed file missing (listed for {doc_id})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise UserError(
            f"{path}: sha256 {digest[:12]}… does not match the manifest's {expected_sha256[:12]}…"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _tuple(value: object) -> tuple[str, ...] | None:
    return tuple(str(x) for x in value) if isinstance(value, list) else None


def load_documents(root: Path | None = None) -> list[Document]:
    """All documents, sorted by doc_id, with their text hash-checked against the manifest."""
    seeds = paths.seeds_dir(root)
    docs = []
    for row in read_manifest(root):
        text = read_text(seeds / str(row["file"]), row["sha256"], row["doc_id"])
        extra = {k: row.get(k, v) for k, v in EXTRA_FIELDS.items()}
        extra["facts"] = _tuple(extra["facts"])
        extra["reported_by"] = _tuple(extra["reported_by"])
        extra["truncated"] = bool(extra["truncated"])
        extra["authored"] = bool(extra["authored"])
        docs.append(Document(**{k: row[k] for k in MANIFEST_FIELDS}, text=text, **extra))
    return docs


def documents_by_id(root: Path | None = None) -> dict[str, Document]:
    return {d.doc_id: d for d in load_documents(root)}
