"""Leakage-free splits: whole stories go to one split, and later stories are held out.

Stories (near-duplicates and same-event reports share a `story_id`) are ordered by their earliest
publication date (stories without any date last, by id); from the latest backwards, stories fill
`test` until it holds at least 20% of the documents, then `validation` likewise; the rest is
`train`. This is a temporal split, so a model is always tested on news later than what it trained
on, and a paraphrase never sits on both sides. Leave-one-story-out folds give cross-validation
over every story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .corpus import Document

SPLITS: tuple[str, ...] = ("train", "validation", "test")
_MIN_SHARE = 0.2


def _earliest(docs: Sequence[Document]) -> tuple[bool, str]:
    """Sort key of a story's earliest date; undated stories last (True > False)."""
    dates = [d.published for d in docs if d.published]
    return (not dates, min(dates) if dates else "")


def stories_in_order(docs: Sequence[Document]) -> list[tuple[str, list[str]]]:
    """(story_id, sorted doc_ids) pairs, earliest story first; ties broken by story id."""
    members: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        members[d.story_id].append(d)
    order = sorted(members, key=lambda s: (_earliest(members[s]), s))
    return [(s, sorted(d.doc_id for d in members[s])) for s in order]


def split_of_documents(docs: Sequence[Document]) -> dict[str, str]:
    """doc_id -> split name."""
    stories = stories_in_order(docs)
    total = sum(len(ids) for _, ids in stories)
    assignment: dict[str, str] = {}
    remaining = list(stories)
    for split in ("test", "validation"):
        taken = 0
        # Always keep at least one story for each remaining split.
        while remaining and len(remaining) > (2 if split == "test" else 1):
            if taken and taken / total >= _MIN_SHARE:
                break
            story, ids = remaining.pop()
            taken += len(ids)
            assignment.update(dict.fromkeys(ids, split))
    for _, ids in remaining:
        assignment.update(dict.fromkeys(ids, "train"))
    return dict(sorted(assignment.items()))


def loso_folds(docs: Sequence[Document]) -> list[dict]:
    """Leave-one-story-out folds: fold i tests on story i and trains on all the others."""
    stories = stories_in_order(docs)
    folds = []
    for i, (story, ids) in enumerate(stories):
        rest = sorted(x for s, other in stories if s != story for x in other)
        folds.append({"fold": i, "heldout_story": story, "train": rest, "test": ids})
    return folds
