"""A document's annotation status, derived from the files that exist (never kept by hand):

unannotated  no pass and no gold
passes       annotation/passes/a/<doc>.json or …/b/<doc>.json exists, no gold yet
adjudicated  annotation/gold/<doc>.json exists (only these are built into dataset/)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .. import paths

STATUSES: tuple[str, ...] = ("unannotated", "passes", "adjudicated")
PASSES: tuple[str, ...] = ("a", "b")


def status_of(doc_id: str, root: Path | None = None) -> str:
    ann = paths.annotation_dir(root)
    if (paths.gold_dir(root) / f"{doc_id}.json").is_file():
        return "adjudicated"
    if any((ann / "passes" / p / f"{doc_id}.json").is_file() for p in PASSES):
        return "passes"
    return "unannotated"


def statuses(doc_ids: Iterable[str], root: Path | None = None) -> dict[str, str]:
    return {d: status_of(d, root) for d in sorted(doc_ids)}


def pending_line(status: dict[str, str]) -> str | None:
    """One line naming the documents without gold, or None when every one is adjudicated."""
    pending = {d: s for d, s in status.items() if s != "adjudicated"}
    if not pending:
        return None
    listed = ", ".join(f"{d} ({s})" for d, s in pending.items())
    return f"pending (no gold yet, not built): {len(pending)} document(s): {listed}"
