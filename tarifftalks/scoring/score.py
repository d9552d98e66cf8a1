"""All metrics at once, with bootstrap intervals: the engine behind `tarifftalks score`.

Each metric is a per-document count matrix plus a `finalize` that turns count totals into
figures. The point estimate finalizes the column sums; the bootstrap finalizes resampled sums.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import boilerplate, columnar, coref, entities, events
from .bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap_intervals
from .docs import ScoredDoc, as_doc
from .spans import finalize_prf, to_python

LAYERS: tuple[str, ...] = ("boilerplate", "entities", "events", "coreference")
LEVEL = 0.95

# One document's counts from its gold and predicted side (and its text, for content words).
Row = Callable[[ScoredDoc, ScoredDoc, str | None], Sequence[Any]]
PRF = (("p",), ("r",), ("f1",))
INT = np.int64


@dataclass(frozen=True)
class Metric:
    layer: str
    path: tuple[str, ...]  # where the figures go in the result, e.g. ("events", "arg_c")
    row: Row
    width: int  # numbers per row
    dtype: Any  # of the count matrix: ints, or floats (coreference)
    finalize: Callable[[np.ndarray], dict[str, Any]]
    ci: tuple[tuple[str, ...], ...]  # paths inside the finalized dict that get an interval
    needs_text: bool = False


def _metrics() -> list[Metric]:
    out = [
        Metric(
            "boilerplate",
            ("boilerplate",),
            lambda g, p, t: boilerplate.label_row(g, p),
            3 * len(boilerplate.LINE_LABELS),
            INT,
            boilerplate.finalize_labels,
            (("accuracy", "accuracy"), ("macro_f1", "f1")),
        ),
        Metric(
            "boilerplate",
            ("boilerplate", "boilerplate"),
            lambda g, p, t: boilerplate.boilerplate_row(g, p),
            3,
            INT,
            finalize_prf,
            PRF,
        ),
        Metric(
            "boilerplate",
            ("boilerplate", "content_words"),
            boilerplate.word_row,
            3,
            INT,
            finalize_prf,
            PRF,
            needs_text=True,
        ),
    ]
    out.append(
        Metric(
            "entities",
            ("entities",),
            lambda g, p, t: entities.entity_row(g, p),
            6,
            INT,
            entities.finalize_entities,
            tuple((m, f) for m in entities.ENTITY_MODES for f in ("p", "r", "f1")),
        )
    )
    out.append(
        Metric(
            "events",
            ("events",),
            lambda g, p, t: events.event_row(g, p),
            20,
            INT,
            events.finalize_events,
            tuple((m, f) for m in events.EVENT_METRICS for f in ("p", "r", "f1"))
            + (("realis", "accuracy"),),
        )
    )
    for layer, mention_map in coref.CLUSTER_LAYERS.items():
        out.append(
            Metric(
                "coreference",
                ("coreference", layer),
                lambda g, p, t, fn=mention_map: coref.coref_row(g, p, fn),
                16,
                float,
                coref.finalize_coref,
                tuple((m, "f1") for m in (*coref.METRICS, "conll")),
            )
        )
    return out


METRICS: tuple[Metric, ...] = tuple(_metrics())


def _put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    if isinstance(value, dict) and isinstance(tree.get(path[-1]), dict):
        tree[path[-1]].update(value)
    else:
        tree[path[-1]] = value


def score(
    gold_docs: Mapping[str, Any],
    pred_docs: Mapping[str, Any],
    texts: Mapping[str, str] | None = None,
    layers: Iterable[str] = LAYERS,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    n_jobs: int | None = None,
) -> dict[str, Any]:
    """Every metric of the chosen layers, with bootstrap intervals under "ci".

    n_jobs (scikit-learn convention): None or 1 scores in this process; -1 uses every CPU (at
    most 4), n > 1 that many processes (forked; only from PARALLEL_MIN_DOCS documents up). The
    results do not depend on it.

    gold_docs: doc_id -> gold record (annotation/gold format or prediction format); the scored
    documents are exactly these. pred_docs: doc_id -> prediction record; missing documents are
    empty predictions, others are ignored. texts: doc_id -> text, needed for content_words
    (skipped without). Keys follow docs/DESIGN.md §7; see docs/SCORING.md.
    """
    layers = [x for x in LAYERS if x in set(layers)]
    # Millions of small acyclic tuples: the cyclic garbage collector would rescan them over and
    # over (a third of the run time at 100,000 documents) and can free none of them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _score(gold_docs, pred_docs, texts, layers, n_resamples, seed, n_jobs)
    finally:
        if gc_was_enabled:
            gc.enable()


# Scoring is a loop over documents bound by memory latency (every mention is a separate dict):
# on a large input, forked workers each take a contiguous part of the documents. Each part's
# rows are computed exactly as in one process and concatenated in document order, so the
# results do not depend on the number of workers. Small inputs are not worth a fork.
PARALLEL_MIN_DOCS = 20_000
_MAX_WORKERS = 4

# The inputs of the current `score` call, inherited by forked workers rather than pickled.
_JOB: tuple[Any, ...] | None = None


def _n_workers(n_docs: int, n_jobs: int | None) -> int:
    if n_jobs in (None, 0, 1) or n_docs < PARALLEL_MIN_DOCS:
        return 1
    if "fork" not in mp.get_all_start_methods():
        return 1
    if mp.current_process().daemon:  # a pool worker may not start processes of its own
        return 1
    if n_jobs > 1:
        return min(n_jobs, _MAX_WORKERS)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _MAX_WORKERS))


def _count_part(
    ids: Sequence[str],
    gold_docs: Mapping[str, Any],
    pred_docs: Mapping[str, Any],
    texts: Mapping[str, str] | None,
    chosen: list[Metric],
) -> tuple[dict[str, np.ndarray], entities.TypeCounts | None]:
    """{metric key: (len(ids), width) count matrix}, and the entity type counts if entities are
    scored, for these documents.

    Each pair is converted and every metric's row computed while its objects are still in the
    CPU caches, then dropped: separate passes per metric over all the converted documents (over
    a gigabyte at 100,000) were bound by memory traffic.
    """
    rows: list[list[Any]] = [[] for _ in chosen]
    work = [(r.append, m.row) for r, m in zip(rows, chosen, strict=True)]
    types = entities.TypeCounts() if any(m.layer == "entities" for m in chosen) else None
    get_pred = pred_docs.get
    get_text = texts.__getitem__ if texts is not None else lambda _: None
    for i in ids:
        gd, pd, text = as_doc(gold_docs[i]), as_doc(get_pred(i)), get_text(i)
        for append, row in work:
            append(row(gd, pd, text))
        if types is not None:
            types.add(gd, pd)
    counts = {
        ".".join(m.path): np.array(r, dtype=m.dtype).reshape(len(r), m.width)
        for m, r in zip(chosen, rows, strict=True)
    }
    return counts, types


def _worker_part(lo: int, hi: int) -> tuple[dict[str, np.ndarray], entities.TypeCounts | None]:
    assert _JOB is not None
    ids, *inputs = _JOB
    return _count_part(ids[lo:hi], *inputs)


def _count_rows(
    ids: list[str],
    gold_docs: Mapping[str, Any],
    pred_docs: Mapping[str, Any],
    texts: Mapping[str, str] | None,
    chosen: list[Metric],
    n_jobs: int | None = None,
) -> tuple[dict[str, np.ndarray], entities.TypeCounts | None]:
    """`_count_part` over all the documents, in parts on forked workers when asked and it pays."""
    n = _n_workers(len(ids), n_jobs)
    if n == 1:
        return _count_part(ids, gold_docs, pred_docs, texts, chosen)
    global _JOB
    bounds = [len(ids) * k // n for k in range(n + 1)]
    _JOB = (ids, gold_docs, pred_docs, texts, chosen)
    try:
        with mp.get_context("fork").Pool(n - 1) as pool:
            pending = [pool.apply_async(_worker_part, bounds[k : k + 2]) for k in range(1, n)]
            # this process takes the first part while the workers do the rest
            parts = [_worker_part(bounds[0], bounds[1])] + [p.get() for p in pending]
    finally:
        _JOB = None
    counts = {key: np.concatenate([c[key] for c, _ in parts]) for key in parts[0][0]}
    types = parts[0][1]
    if types is not None:
        for _, t in parts[1:]:
            types.merge(t)
    return counts, types


def _score(
    gold_docs: Mapping[str, Any],
    pred_docs: Mapping[str, Any],
    texts: Mapping[str, str] | None,
    layers: list[str],
    n_resamples: int,
    seed: int,
    n_jobs: int | None = None,
) -> dict[str, Any]:
    ids = sorted(gold_docs)
    chosen = _chosen(layers, texts is not None)
    counts, types = _count_rows(ids, gold_docs, pred_docs, texts, chosen, n_jobs)
    per_type = types.totals() if types is not None else None
    cross = None
    if "coreference" in layers:
        cross = np.asarray(coref.cross_document_counts(gold_docs, pred_docs), dtype=float)
    return _assemble(
        chosen, counts, per_type, layers, n_resamples, seed, ids, pred_docs.keys(), cross
    )


def _chosen(layers: list[str], with_texts: bool) -> list[Metric]:
    return [m for m in METRICS if m.layer in layers and (with_texts or not m.needs_text)]


def _assemble(
    chosen: list[Metric],
    counts: dict[str, np.ndarray],
    per_type: dict[str, np.ndarray] | None,
    layers: list[str],
    n_resamples: int,
    seed: int,
    ids: list[str],
    pred_ids: Iterable[str],
    cross: np.ndarray | None = None,
) -> dict[str, Any]:
    """The result from the per-document count matrices: figures, intervals, meta; `cross`:
    the 16 totals of cross-document event coreference, if scored. Its clusters span
    documents, so its counts are not a sum over documents and a document resample is no
    re-summing: it gets no interval."""
    result: dict[str, Any] = {}
    for m in chosen:
        _put(result, m.path, m.finalize(counts[".".join(m.path)].sum(0)))
    if cross is not None:
        _put(result, ("coreference", coref.CROSS_DOCUMENT), coref.finalize_coref(cross))
    if per_type is not None:
        result["entities"]["per_type"] = {t: finalize_prf(c) for t, c in per_type.items()}
    intervals = bootstrap_intervals(
        counts,
        {".".join(m.path): m.finalize for m in chosen},
        {".".join(m.path): m.ci for m in chosen},
        n_resamples=n_resamples,
        seed=seed,
        level=LEVEL,
    )
    for m in chosen:
        for path, (lo, hi) in intervals.get(".".join(m.path), {}).items():
            _put(result, (*m.path, *path[:-1], "ci", path[-1]), [lo, hi])
    result = to_python(result)
    predicted = set(pred_ids)
    result["meta"] = {
        "documents": len(ids),
        "predicted": sum(1 for i in ids if i in predicted),
        "missing": [i for i in ids if i not in predicted],
        "ignored": sorted(predicted - set(ids)),
        "layers": layers,
        "bootstrap": {"resamples": n_resamples, "seed": seed, "level": LEVEL},
    }
    return result


def score_columns(
    gold: columnar.Side,
    pred: columnar.Side,
    vocab: columnar.Vocab,
    ids: list[str],
    pred_ids: Iterable[str],
    texts: Sequence[str] | None = None,
    layers: Iterable[str] = LAYERS,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """`score()` on columns (`columnar`): both sides indexed by position in `ids` (sorted gold
    doc ids); `texts` in the same order. The same result, all documents at once."""
    layers = [x for x in LAYERS if x in set(layers)]
    chosen = _chosen(layers, texts is not None)
    keys = {".".join(m.path) for m in chosen}
    counts: dict[str, np.ndarray] = {}
    per_type = None
    if "boilerplate" in keys:
        labels, bp, words = columnar.boilerplate_rows(gold, pred, vocab, texts)
        counts["boilerplate"], counts["boilerplate.boilerplate"] = labels, bp
        if words is not None:
            counts["boilerplate.content_words"] = words
    if "entities" in keys:
        counts["entities"], typed = columnar.entity_rows(gold, pred)
        per_type = columnar.per_type_totals(typed, vocab)
    if "events" in keys:
        counts["events"] = columnar.event_rows(gold, pred)
    for layer in coref.CLUSTER_LAYERS:
        if f"coreference.{layer}" in keys:
            counts[f"coreference.{layer}"] = columnar.coref_rows(gold, pred, layer)
    cross = columnar.cross_document_totals(gold, pred) if "coreference" in layers else None
    return _assemble(chosen, counts, per_type, layers, n_resamples, seed, ids, pred_ids, cross)


def score_fast(
    gold_docs: Mapping[str, Any],
    pred_docs: Mapping[str, Any],
    texts: Mapping[str, str] | None = None,
    layers: Iterable[str] = LAYERS,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """`score()` through the columnar engine, from the same records."""
    ids = sorted(gold_docs)
    vocab = columnar.Vocab()
    from .fastread import side_from_dicts

    g = side_from_dicts(list(enumerate(map(gold_docs.get, ids))), len(ids), vocab, ids)
    p = side_from_dicts(list(enumerate(map(pred_docs.get, ids))), len(ids), vocab, ids)
    text_list = [texts[i] for i in ids] if texts is not None else None
    return score_columns(g, p, vocab, ids, pred_docs.keys(), text_list, layers, n_resamples, seed)
