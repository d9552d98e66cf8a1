"""Entity mention scores (docs/DESIGN.md §7): strict = (doc, start, end, type), boundary = (doc,
start, end).

The doc is implicit: tuples are compared within each document and the counts summed.
"""

from __future__ import annotations

from collections import _count_elements  # type: ignore[attr-defined]  # Counter's C core
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from ..schema import ENTITY_TYPE_NAMES
from .docs import ScoredDoc, align
from .spans import finalize_prf, set_counts, to_python

_SPAN = itemgetter(slice(0, 2))  # (start, end) of a strict tuple


def strict_tuples(d: ScoredDoc) -> list[tuple[int, int, str]]:
    return d.entities


def boundary_tuples(d: ScoredDoc) -> Iterable[tuple[int, int]]:
    # sliced from the strict tuples on the fly: no list of spans kept when only sets are needed
    return map(_SPAN, d.entities)


_TYPE = itemgetter(2)
ENTITY_MODES = {"strict": strict_tuples, "boundary": boundary_tuples}


def entity_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc], mode: str) -> np.ndarray:
    if mode not in ENTITY_MODES:
        raise ValueError(f"mode must be one of {sorted(ENTITY_MODES)}, not {mode!r}")
    return set_counts(gold, pred, ENTITY_MODES[mode])


def entity_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any], mode: str = "strict"
) -> dict[str, float]:
    """Micro P/R/F1 of entity mentions: {"p", "r", "f1", "tp", "n_pred", "n_gold"}."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_prf(entity_counts(g, p, mode).sum(0)))


def entity_row(gd: ScoredDoc, pd: ScoredDoc) -> tuple[int, ...]:
    """One document's strict then boundary (tp, n_pred, n_gold)."""
    gs, ps = set(gd.entities), set(pd.entities)
    gb, pb = set(boundary_tuples(gd)), set(boundary_tuples(pd))
    return (len(gs & ps), len(ps), len(gs), len(gb & pb), len(pb), len(gb))


def all_entity_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document strict then boundary (tp, n_pred, n_gold): shape (n_docs, 6), one pass."""
    rows = list(map(entity_row, gold, pred))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 6)


def finalize_entities(totals: np.ndarray) -> dict[str, Any]:
    t = np.asarray(totals)
    return {"strict": finalize_prf(t[..., 0:3]), "boundary": finalize_prf(t[..., 3:6])}


class TypeCounts:
    """Strict (tp, n_pred, n_gold) per entity type, added up one document at a time."""

    def __init__(self) -> None:
        self.tp: dict[str, int] = {}
        self.n_pred: dict[str, int] = {}
        self.n_gold: dict[str, int] = {}

    def add(self, gd: ScoredDoc, pd: ScoredDoc) -> None:
        gs = set(strict_tuples(gd))
        ps = set(strict_tuples(pd))
        # Counter's C core straight on plain dicts: Counter.update's Python-level checks cost
        # more than the counting itself at 20 mentions a document.
        _count_elements(self.tp, map(_TYPE, gs & ps))
        _count_elements(self.n_pred, map(_TYPE, ps))
        _count_elements(self.n_gold, map(_TYPE, gs))

    def merge(self, other: TypeCounts) -> None:
        """Add the counts of another part of the documents."""
        pairs = ((self.tp, other.tp), (self.n_pred, other.n_pred), (self.n_gold, other.n_gold))
        for mine, theirs in pairs:
            for t, n in theirs.items():
                mine[t] = mine.get(t, 0) + n

    def totals(self) -> dict[str, np.ndarray]:
        tp, n_pred, n_gold = self.tp, self.n_pred, self.n_gold
        types = [t for t in ENTITY_TYPE_NAMES if n_gold.get(t) or n_pred.get(t)]
        return {t: np.array([tp.get(t, 0), n_pred.get(t, 0), n_gold.get(t, 0)]) for t in types}


def type_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> dict[str, np.ndarray]:
    """Strict (tp, n_pred, n_gold) per entity type, summed over documents."""
    acc = TypeCounts()
    for gd, pd in zip(gold, pred, strict=True):
        acc.add(gd, pd)
    return acc.totals()


def entity_type_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    """Strict P/R/F1 per entity type (types present in gold or predictions, schema order)."""
    _, g, p = align(gold_docs, pred_docs)
    return {t: to_python(finalize_prf(c)) for t, c in type_counts(g, p).items()}
