"""The source documents (docs/DESIGN.md §3, §10): seed files, their manifest, and how the corpus
grows.

One module per concern: `manifest` (fields, id scheme, atomic append), `documents` (hash-checked
loading), `metadata` (outlet, title, date from the text), `similarity` (MinHash/LSH index and the
paraphrase signal), `stories` (which occasion an article reports), `status` (annotation progress
derived from files), `ingest` (the `tarifftalks ingest` command).
"""

from __future__ import annotations

from .documents import Document, documents_by_id, load_documents, sha256_text
from .manifest import MANIFEST_FIELDS, read_manifest

__all__ = [
    "MANIFEST_FIELDS",
    "Document",
    "documents_by_id",
    "load_documents",
    "read_manifest",
    "sha256_text",
]
