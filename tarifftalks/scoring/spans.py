"""Precision, recall and F1 over sets of tuples, micro-averaged over documents.

Every set metric is three counts per document — (tp, n_pred, n_gold) — summed before dividing,
so the same per-document rows feed the point estimate and the bootstrap. Ratios are 0 where the
denominator is 0 (docs/DESIGN.md §7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .docs import ScoredDoc

TupleFn = Callable[[ScoredDoc], Iterable[tuple]]


def safe_div(num: Any, den: Any) -> np.ndarray:
    """num / den elementwise, 0 where den == 0 (works on scalars and arrays)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def prf_from_counts(tp: Any, n_pred: Any, n_gold: Any) -> dict[str, np.ndarray]:
    tp = np.asarray(tp, dtype=float)
    # F1 = 2PR/(P+R) written as 2tp/(n_pred+n_gold): one rounding, and sklearn's own form.
    return {
        "p": safe_div(tp, n_pred),
        "r": safe_div(tp, n_gold),
        "f1": safe_div(2 * tp, np.add(n_pred, n_gold, dtype=float)),
    }


def finalize_prf(totals: np.ndarray) -> dict[str, Any]:
    """Totals (..., 3) of (tp, n_pred, n_gold) -> p, r, f1 (+ the counts)."""
    totals = np.asarray(totals)
    out: dict[str, Any] = prf_from_counts(totals[..., 0], totals[..., 1], totals[..., 2])
    out.update(tp=totals[..., 0], n_pred=totals[..., 1], n_gold=totals[..., 2])
    return out


def set_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc], fn: TupleFn) -> np.ndarray:
    """Per-document (tp, n_pred, n_gold) of the tuple sets `fn` extracts; shape (n_docs, 3)."""
    rows = []
    append = rows.append
    for g, p in zip(gold, pred, strict=True):
        gs = set(fn(g))
        ps = set(fn(p))
        append((len(gs & ps) if gs and ps else 0, len(ps), len(gs)))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3)


def to_python(obj: Any) -> Any:
    """numpy scalars and 0-d arrays -> float/int, recursively (for JSON and for callers)."""
    if isinstance(obj, dict):
        return {k: to_python(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_python(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_python(obj.item()) if obj.ndim == 0 else [to_python(v) for v in obj.tolist()]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj
