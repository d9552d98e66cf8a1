"""The source documents: the seed files and their manifest (SPEC §3)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import UserError
from .io import read_jsonl
from .shapes import MANIFEST_ROW

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


@dataclass(frozen=True)
class Document:
    doc_id: str
    file: str
    sha256: str
    outlet: str | None
    title: str | None
    published: str
    published_basis: str
    published_reason: str
    story_id: str
    near_duplicate_of: str | None
    text: str


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(root: Path | None = None) -> list[dict]:
    path = paths.manifest_path(root)
    if not path.is_file():
        raise UserError(f"{path}: manifest not found")
    rows = read_jsonl(path, MANIFEST_ROW, unique="doc_id")
    return sorted(rows, key=lambda r: r["doc_id"])


def load_documents(root: Path | None = None) -> list[Document]:
    """All documents, sorted by doc_id, with their text hash-checked against the manifest."""
    seeds = paths.seeds_dir(root)
    docs = []
    for row in read_manifest(root):
        path = seeds / row["file"]
        if not path.is_file():
            raise UserError(f"{path}: seed file missing (listed for {row['doc_id']})")
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != row["sha256"]:
            raise UserError(
                f"{path}: sha256 {digest[:12]}… does not match the manifest's {row['sha256'][:12]}…"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        docs.append(Document(**{k: row[k] for k in MANIFEST_FIELDS}, text=text))
    return docs


def documents_by_id(root: Path | None = None) -> dict[str, Document]:
    return {d.doc_id: d for d in load_documents(root)}
