"""Hyper-parameters chosen inside the training documents only (never on a test fold).

Inner cross-validation groups the training documents by story (leave-one-story-out), or by
document when they hold a single story; with a single document nothing can be held out and the
grid's default (its middle value) is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .data import Doc

P = TypeVar("P")


def inner_folds(docs: Sequence[Doc]) -> list[tuple[list[Doc], list[Doc]]]:
    """(train, test) pairs over `docs`: one per story, or one per document for a single story."""
    stories = sorted({d.story_id for d in docs})
    key: Callable[[Doc], str] = (lambda d: d.story_id) if len(stories) > 1 else (lambda d: d.doc_id)
    groups = sorted({key(d) for d in docs})
    if len(groups) < 2:
        return []
    return [([d for d in docs if key(d) != g], [d for d in docs if key(d) == g]) for g in groups]


def choose(
    docs: Sequence[Doc],
    grid: Sequence[P],
    score: Callable[[P, list[Doc], list[Doc]], Any],
    pooled: Callable[[list[Any]], float] | None = None,
) -> P:
    """The grid value with the best inner-CV score (first in grid order on ties).

    `score(value, train, test)` returns a fold's figure, or counts that `pooled` turns into one
    figure over all folds (pooled like the protocol); without `pooled` fold figures are averaged.
    """
    folds = inner_folds(docs)
    if not folds or len(grid) == 1:
        return grid[len(grid) // 2]
    best, best_score = grid[len(grid) // 2], float("-inf")
    for value in grid:
        results = [score(value, tr, te) for tr, te in folds]
        s = pooled(results) if pooled else sum(results) / len(results)
        if s > best_score + 1e-12:
            best, best_score = value, s
    return best


def pooled_f1(counts: list[tuple[int, int, int]]) -> float:
    """F1 from summed (true positives, predicted, gold)."""
    tp, p, g = (sum(c[k] for c in counts) for k in range(3))
    return 2 * tp / (p + g) if p + g else 0.0


def pooled_accuracy(counts: list[tuple[int, int, int]]) -> float:
    """Accuracy from summed (hits, items, items)."""
    hits, n = sum(c[0] for c in counts), sum(c[1] for c in counts)
    return hits / n if n else 0.0


def tuned(
    value: P | None,
    docs: Sequence[Doc],
    grid: Sequence[P],
    make: Callable[[P], Any],
    counts: Callable[[Any, list[Doc], list[Doc]], Any],
    pooled: Callable[[list[Any]], float],
) -> P:
    """`value` when given, else the grid value whose model (`make(value)`) has the best pooled
    inner-CV `counts(model, train, test)` on `docs`."""
    if value is not None:
        return value
    return choose(docs, grid, lambda v, tr, te: counts(make(v), tr, te), pooled)
