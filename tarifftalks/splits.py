"""Leakage-free splits, frozen in a committed file, plus the folds that carry comparisons.

- `annotation/splits.json` maps each real (not authored) story to `train`, `validation` or `test`.
  It is written once and only ever extended, so adding documents never moves one: a new document
  follows its story, and a real story the file does not list goes to `train` (`build` says so).
  Whole stories go to one split, so a paraphrase never sits on both sides.
- Documents the project wrote itself (`authored` in the manifest) form the `challenge` split,
  never mixed into the others.
- The protocol that carries comparisons is leave-one-story-out over the real documents: every real
  document is scored once as unseen, pooled over folds (`loso_folds`). `loso_folds_all` adds the
  challenge stories, for those who train on both.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import paths
from .corpus import Document
from .errors import UserError

FROZEN_SPLITS: tuple[str, ...] = ("train", "validation", "test")
CHALLENGE = "challenge"
SPLITS: tuple[str, ...] = (*FROZEN_SPLITS, CHALLENGE)
NEW_STORY_SPLIT = "train"


def splits_path(root: Path | None = None) -> Path:
    return paths.annotation_dir(root) / "splits.json"


def read_frozen_splits(root: Path | None = None) -> dict[str, str]:
    """story_id -> split from `annotation/splits.json` ({split: [story ids]}); shape-checked."""
    path = splits_path(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected an object {{split: [story ids]}}")
    story_split: dict[str, str] = {}
    for split, stories in sorted(data.items()):
        if split not in FROZEN_SPLITS:
            raise UserError(
                f"{path}: unknown split {split!r} (expected {', '.join(FROZEN_SPLITS)})"
            )
        if not isinstance(stories, list) or not all(isinstance(s, str) for s in stories):
            raise UserError(f"{path}: {split}: expected a list of story ids")
        for story in stories:
            if story in story_split:
                raise UserError(f"{path}: story {story!r} is in {story_split[story]} and {split}")
            story_split[story] = split
    return story_split


def split_of_documents(docs: Sequence[Document], root: Path | None = None) -> dict[str, str]:
    """doc_id -> split name: authored -> challenge, else the frozen split of its story."""
    frozen = read_frozen_splits(root)
    # A story is real or authored, never both: otherwise one story would sit in two splits.
    kinds: dict[str, set[bool]] = defaultdict(set)
    for d in docs:
        kinds[d.story_id].add(d.authored)
    mixed = sorted(story for story, k in kinds.items() if len(k) > 1)
    if mixed:
        raise UserError(
            f"seeds/manifest.jsonl: story {mixed[0]} holds authored and real documents; give the "
            "real ones a story of their own (edit their story_id) so no story spans two splits"
        )
    out = {}
    for d in docs:
        out[d.doc_id] = CHALLENGE if d.authored else frozen.get(d.story_id, NEW_STORY_SPLIT)
    return dict(sorted(out.items()))


def unfrozen_stories(docs: Sequence[Document], root: Path | None = None) -> list[str]:
    """Real stories the frozen file does not list yet (they go to `train`)."""
    frozen = read_frozen_splits(root)
    return sorted({d.story_id for d in docs if not d.authored and d.story_id not in frozen})


def stories_in_order(docs: Iterable[Document]) -> list[tuple[str, list[str]]]:
    """(story_id, sorted doc_ids) pairs, earliest story first (undated last; ties by story id)."""
    members: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        members[d.story_id].append(d)

    def first_date(story: str) -> tuple[int, str]:
        dates = [d.published for d in members[story] if d.published]
        return (0, min(dates)) if dates else (1, "")

    order = sorted(members, key=lambda s: (first_date(s), s))
    return [(s, sorted(d.doc_id for d in members[s])) for s in order]


def _folds(docs: Sequence[Document]) -> list[dict]:
    stories = stories_in_order(docs)
    folds = []
    for i, (story, ids) in enumerate(stories):
        rest = sorted(x for s, other in stories if s != story for x in other)
        folds.append({"fold": i, "heldout_story": story, "train": rest, "test": ids})
    return folds


def loso_folds(docs: Sequence[Document]) -> list[dict]:
    """Leave-one-story-out over the real documents: fold i tests on story i, trains on the rest."""
    return _folds([d for d in docs if not d.authored])


def loso_folds_all(docs: Sequence[Document]) -> list[dict]:
    """Leave-one-story-out over real and authored stories together."""
    return _folds(list(docs))
