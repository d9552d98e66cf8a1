"""Entity mention scores (SPEC §7): strict = (doc, start, end, type), boundary = (doc, start, end).

The doc is implicit: tuples are compared within each document and the counts summed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from ..schema import ENTITY_TYPE_NAMES
from .docs import ScoredDoc, align
from .spans import finalize_prf, set_counts, to_python


def strict_tuples(d: ScoredDoc) -> list[tuple[int, int, str]]:
    return d.entities


def boundary_tuples(d: ScoredDoc) -> list[tuple[int, int]]:
    return d.entity_spans


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


def all_entity_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document strict then boundary (tp, n_pred, n_gold): shape (n_docs, 6), one pass."""
    rows = []
    for gd, pd in zip(gold, pred, strict=True):
        gs, ps = set(gd.entities), set(pd.entities)
        gb, pb = set(gd.entity_spans), set(pd.entity_spans)
        rows.append((len(gs & ps), len(ps), len(gs), len(gb & pb), len(pb), len(gb)))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 6)


def finalize_entities(totals: np.ndarray) -> dict[str, Any]:
    t = np.asarray(totals)
    return {"strict": finalize_prf(t[..., 0:3]), "boundary": finalize_prf(t[..., 3:6])}


def type_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> dict[str, np.ndarray]:
    """Strict (tp, n_pred, n_gold) per entity type, summed over documents."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for gd, pd in zip(gold, pred, strict=True):
        gs = set(strict_tuples(gd))
        ps = set(strict_tuples(pd))
        # Counter.update over map(itemgetter) runs in C: cheap per element.
        tp.update(map(_TYPE, gs & ps))
        n_pred.update(map(_TYPE, ps))
        n_gold.update(map(_TYPE, gs))
    types = [t for t in ENTITY_TYPE_NAMES if n_gold[t] or n_pred[t]]
    return {t: np.array([tp[t], n_pred[t], n_gold[t]]) for t in types}


def entity_type_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    """Strict P/R/F1 per entity type (types present in gold or predictions, schema order)."""
    _, g, p = align(gold_docs, pred_docs)
    return {t: to_python(finalize_prf(c)) for t, c in type_counts(g, p).items()}
