"""All metrics at once, with bootstrap intervals: the engine behind `tarifftalks score`.

Each metric is a per-document count matrix plus a `finalize` that turns count totals into
figures. The point estimate finalizes the column sums; the bootstrap finalizes resampled sums.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import boilerplate, coref, entities, events
from .bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap_intervals
from .docs import ScoredDoc, align
from .spans import finalize_prf, to_python

LAYERS: tuple[str, ...] = ("boilerplate", "entities", "events", "coreference")
LEVEL = 0.95

Counter = Callable[[Sequence[ScoredDoc], Sequence[ScoredDoc], Sequence[str] | None], np.ndarray]
PRF = (("p",), ("r",), ("f1",))


@dataclass(frozen=True)
class Metric:
    layer: str
    path: tuple[str, ...]  # where the figures go in the result, e.g. ("events", "arg_c")
    counts: Counter
    finalize: Callable[[np.ndarray], dict[str, Any]]
    ci: tuple[tuple[str, ...], ...]  # paths inside the finalized dict that get an interval
    needs_text: bool = False


def _metrics() -> list[Metric]:
    out = [
        Metric(
            "boilerplate",
            ("boilerplate",),
            lambda g, p, t: boilerplate.label_counts(g, p),
            boilerplate.finalize_labels,
            (("accuracy", "accuracy"), ("macro_f1", "f1")),
        ),
        Metric(
            "boilerplate",
            ("boilerplate", "boilerplate"),
            lambda g, p, t: boilerplate.boilerplate_counts(g, p),
            finalize_prf,
            PRF,
        ),
        Metric(
            "boilerplate",
            ("boilerplate", "content_words"),
            lambda g, p, t: boilerplate.word_counts(g, p, t or ()),
            finalize_prf,
            PRF,
            needs_text=True,
        ),
    ]
    out.append(
        Metric(
            "entities",
            ("entities",),
            lambda g, p, t: entities.all_entity_counts(g, p),
            entities.finalize_entities,
            tuple((m, f) for m in entities.ENTITY_MODES for f in ("p", "r", "f1")),
        )
    )
    out.append(
        Metric(
            "events",
            ("events",),
            lambda g, p, t: events.all_event_counts(g, p),
            events.finalize_events,
            tuple((m, f) for m in events.EVENT_METRICS for f in ("p", "r", "f1"))
            + (("realis", "accuracy"),),
        )
    )
    for layer in coref.CLUSTER_LAYERS:
        out.append(
            Metric(
                "coreference",
                ("coreference", layer),
                lambda g, p, t, layer=layer: coref.doc_coref_counts(g, p, layer),
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
) -> dict[str, Any]:
    """Every metric of the chosen layers, with bootstrap intervals under "ci".

    gold_docs: doc_id -> gold record (annotation/gold format or prediction format); the scored
    documents are exactly these. pred_docs: doc_id -> prediction record; missing documents are
    empty predictions, others are ignored. texts: doc_id -> text, needed for content_words
    (skipped without). Keys follow SPEC §7; see docs/SCORING.md.
    """
    layers = [x for x in LAYERS if x in set(layers)]
    # Millions of small acyclic tuples: the cyclic garbage collector would rescan them over and
    # over (a third of the run time at 100,000 documents) and can free none of them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _score(gold_docs, pred_docs, texts, layers, n_resamples, seed)
    finally:
        if gc_was_enabled:
            gc.enable()


def _score(
    gold_docs: Mapping[str, Any],
    pred_docs: Mapping[str, Any],
    texts: Mapping[str, str] | None,
    layers: list[str],
    n_resamples: int,
    seed: int,
) -> dict[str, Any]:
    ids, gold, pred = align(gold_docs, pred_docs)
    text_list = [texts[i] for i in ids] if texts is not None else None
    chosen = [
        m for m in METRICS if m.layer in layers and (text_list is not None or not m.needs_text)
    ]
    counts: dict[str, np.ndarray] = {}
    result: dict[str, Any] = {}
    for m in chosen:
        key = ".".join(m.path)
        counts[key] = m.counts(gold, pred, text_list)
        _put(result, m.path, m.finalize(counts[key].sum(0)))
    if "entities" in layers:
        result["entities"]["per_type"] = {
            t: finalize_prf(c) for t, c in entities.type_counts(gold, pred).items()
        }
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
    result["meta"] = {
        "documents": len(ids),
        "predicted": sum(1 for i in ids if i in pred_docs),
        "missing": [i for i in ids if i not in pred_docs],
        "ignored": sorted(set(pred_docs) - set(gold_docs)),
        "layers": layers,
        "bootstrap": {"resamples": n_resamples, "seed": seed, "level": LEVEL},
    }
    return result
