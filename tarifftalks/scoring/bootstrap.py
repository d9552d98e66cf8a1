"""Document-level bootstrap confidence intervals.

Every metric here is a function of count totals summed over documents, so a resample is a vector
of document weights w (how often each document was drawn) and its totals are w @ counts. The
resamples are drawn in chunks from numpy's PCG64 with a fixed seed: the same inputs give the same
intervals on every machine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

Finalize = Callable[[np.ndarray], dict[str, Any]]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
_CHUNK_CELLS = 4_000_000  # weights matrix cells per chunk: bounds memory (~32 MB)


def resample_weights(n_docs: int, n_resamples: int, seed: int):
    """Yield (chunk, n_docs) float arrays of bootstrap draw counts, n_resamples rows in total."""
    rng = np.random.Generator(np.random.PCG64(seed))
    chunk = max(1, min(n_resamples, _CHUNK_CELLS // max(n_docs, 1)))
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        idx = rng.integers(0, n_docs, size=(b, n_docs))
        flat = (idx + (np.arange(b) * n_docs)[:, None]).ravel()
        yield np.bincount(flat, minlength=b * n_docs).reshape(b, n_docs).astype(float)
        done += b


def _leaves(tree: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], np.ndarray]:
    if isinstance(tree, dict):
        out = {}
        for k, v in tree.items():
            out.update(_leaves(v, (*prefix, k)))
        return out
    return {prefix: np.asarray(tree)}


def bootstrap_intervals(
    counts: Mapping[str, np.ndarray],
    finalizers: Mapping[str, Finalize],
    fields: Mapping[str, tuple[tuple[str, ...], ...]],
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> dict[str, dict[tuple[str, ...], tuple[float, float]]]:
    """Percentile intervals for chosen fields of each metric.

    counts[name] is the (n_docs, k) per-document count matrix, finalizers[name] maps totals of
    shape (..., k) to a (nested) dict of values, fields[name] lists the paths in that dict to
    report, e.g. (("f1",), ("p",)). Returns {name: {path: (low, high)}}.
    """
    names = [n for n in counts if fields.get(n)]
    if not names or n_resamples <= 0:
        return {}
    n_docs = next(iter(counts.values())).shape[0]
    if n_docs == 0:
        return {}
    widths = [counts[n].shape[1] for n in names]
    matrix = np.concatenate([counts[n].astype(float) for n in names], axis=1)
    totals = np.concatenate([w @ matrix for w in resample_weights(n_docs, n_resamples, seed)])
    alpha = (1 - level) / 2 * 100
    out: dict[str, dict[tuple[str, ...], tuple[float, float]]] = {}
    start = 0
    for name, width in zip(names, widths, strict=True):
        values = _leaves(finalizers[name](totals[:, start : start + width]))
        start += width
        out[name] = {}
        for path in fields[name]:
            lo, hi = np.percentile(values[path], [alpha, 100 - alpha])
            out[name][path] = (float(lo), float(hi))
    return out
