"""Coreference scores for entity clusters and event clusters (docs/DESIGN.md §7): MUC, B³, CEAF-e,
their
mean (CoNLL F1) and LEA, as the CoNLL-2012 reference scorer defines them, with system mentions.
Within each document (`coreference.entities`, `coreference.events`), and for events across the
documents of the split (`coreference.events_cross_document`, see `cross_document_counts`).

Mentions are identified by exact offsets: an entity mention by (start, end), an event mention by
its trigger's (start, end). A prediction's `"entity"` / `"cluster"` field gives its cluster; a
mention without one is a singleton. A mention present on one side only stays in its own side's
clusters (it costs precision or recall), as in the reference scorer. A mention repeated on one
side keeps its first cluster (the reference scorer's de-duplication).

Every metric is computed from the overlap counts |k ∩ r| of key (gold) cluster k and response
(predicted) cluster r, and returned as (recall numerator, recall denominator, precision
numerator, precision denominator) so documents are micro-averaged by summing.
"""

from __future__ import annotations

from collections import _count_elements  # type: ignore[attr-defined]  # Counter's C core
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from operator import itemgetter
from typing import Any

import numpy as np

from .docs import ScoredDoc, align, as_doc
from .spans import safe_div, to_python

Clusters = Sequence[Iterable[Hashable]]
METRICS: tuple[str, ...] = ("muc", "bcub", "ceafe", "lea")


def _count(items: Iterable[Hashable]) -> dict[Hashable, int]:
    """Counter(items) as a plain dict, without Counter's per-call Python overhead (it is
    called several times per document)."""
    out: dict[Hashable, int] = {}
    _count_elements(out, items)
    return out


class _Singleton:
    """The cluster of a mention given without a cluster id: equal to nothing else."""

    __slots__ = ()


def _core(gm: dict[Hashable, Any], pm: dict[Hashable, Any], exact: bool = False) -> tuple:
    """The 16 numbers (MUC, B³, CEAF-e, LEA x r_num, r_den, p_num, p_den) from two
    mention -> cluster maps (gm: key/gold, pm: response/predicted).

    Everything follows from the overlap counts n = |k ∩ r| of each (key, response) pair:
      MUC   links kept = matched mentions - pairs (both directions);
            recall den = key mentions - key clusters
      B³    recall num = Σ n² / |k|, precision num = Σ n² / |r|
      LEA   recall num = Σ |k| · C(n, 2) / C(|k|, 2) = Σ n(n-1) / (|k|-1) over |k| > 1,
            plus 1 for a key singleton that the response also has as a singleton
      CEAF-e  φ4(k, r) = 2n / (|k| + |r|), summed over the best one-to-one alignment
    """
    ksize: dict[Any, Any] = _count(gm.values())
    rsize: dict[Any, Any] = _count(pm.values())
    if exact:  # Fraction sizes make every ratio below a Fraction
        ksize = {k: Fraction(v) for k, v in ksize.items()}
        rsize = {k: Fraction(v) for k, v in rsize.items()}
    # In gm's order, not a set's: float sums must not depend on string hashing (PYTHONHASHSEED).
    common = [m for m in gm if m in pm]
    ov = _count(zip(map(gm.__getitem__, common), map(pm.__getitem__, common), strict=True))
    b_r = b_p = l_r = l_p = 0
    phi: dict[tuple[Any, Any], Any] = {}
    for (k, r), n in ov.items():
        a, b = ksize[k], rsize[r]
        nn = n * n
        b_r += nn / a
        b_p += nn / b
        if a > 1:
            l_r += (nn - n) / (a - 1)
        elif b == 1:
            l_r += 1
        if b > 1:
            l_p += (nn - n) / (b - 1)
        elif a == 1:
            l_p += 1
        phi[k, r] = 2 * n / (a + b)
    muc = len(common) - len(ov)
    n_k, n_r = len(gm), len(pm)
    c_k, c_r = len(ksize), len(rsize)
    ceafe = _align(phi)
    return (
        (muc, n_k - c_k, muc, n_r - c_r)
        + (b_r, n_k, b_p, n_r)
        + (ceafe, c_k, ceafe, c_r)
        + (l_r, n_k, l_p, n_r)
    )


_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


def _align(phi: dict[tuple[Any, Any], Any]) -> Any:
    """Total φ4 of the best one-to-one alignment of key and response clusters.

    A scipy call per document would dominate the scorer's run time, so the exact optimum is
    found without one where it can be: pairs whose two clusters overlap nothing else are
    aligned as they are; the rest falls apart into groups of clusters linked by overlaps (an
    alignment across groups gains nothing), and in each group Σ over clusters of one side of
    their best φ bounds every alignment from above; when those best partners are all different
    the bound is reached. Only what is left goes to the Hungarian algorithm, group by group
    (across a whole split the clusters are many, but the groups stay small).
    """
    kdeg = _count(map(_FIRST, phi))
    rdeg = _count(map(_SECOND, phi))
    total: Any = 0
    rest: dict[tuple[Any, Any], Any] = {}
    for pair, v in phi.items():
        if kdeg[pair[0]] == 1 and rdeg[pair[1]] == 1:
            total += v
        else:
            rest[pair] = v
    for group in _groups(rest):
        total += _align_group(group)
    return total


def _groups(phi: dict[tuple[Any, Any], Any]) -> list[dict[tuple[Any, Any], Any]]:
    """The pairs split into connected groups (key and response clusters linked by a pair)."""
    if not phi:
        return []
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for k, r in phi:
        a, b = find((0, k)), find((1, r))
        if a != b:
            parent[a] = b
    out: dict[Any, dict[tuple[Any, Any], Any]] = {}
    for pair, v in phi.items():
        out.setdefault(find((0, pair[0])), {})[pair] = v
    return list(out.values())


def _align_group(rest: dict[tuple[Any, Any], Any]) -> Any:
    """The best alignment's φ4 total within one group of linked clusters."""
    if len(rest) == 1:
        return next(iter(rest.values()))
    for side in (0, 1):
        best: dict[Any, tuple[Any, Any]] = {}
        for pair, v in rest.items():
            a = pair[side]
            if a not in best or v > best[a][0]:
                best[a] = (v, pair[1 - side])
        partners = [p for _, p in best.values()]
        if len(set(partners)) == len(partners):
            return sum(v for v, _ in best.values())
    from scipy.optimize import linear_sum_assignment

    # in the pairs' order (not a set's): the same float sums in every run
    rows = {k: i for i, k in enumerate(dict.fromkeys(k for k, _ in rest))}
    cols = {r: j for j, r in enumerate(dict.fromkeys(r for _, r in rest))}
    matrix = np.zeros((len(rows), len(cols)))
    for (k, r), v in rest.items():
        matrix[rows[k], cols[r]] = float(v)
    rr, cc = linear_sum_assignment(matrix, maximize=True)
    rk, cr = list(rows), list(cols)
    pairs = zip(rr.tolist(), cc.tolist(), strict=True)
    return sum(rest.get((rk[a], cr[b]), 0) for a, b in pairs)


def _mention_map(clusters: Clusters) -> dict[Hashable, int]:
    """mention -> cluster index; a repeated mention keeps its first cluster (de-duplication)."""
    out: dict[Hashable, int] = {}
    for i, c in enumerate(clusters):
        for m in c:
            out.setdefault(m, i)
    return out


def coref_counts(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, tuple]:
    """{metric: (r_num, r_den, p_num, p_den)} for MUC, B³, CEAF-e and LEA.

    `key` and `response` are clusters of hashable mentions. With `exact`, numerators are
    `Fraction`s (for tests against hand-computed values); otherwise floats.
    """
    c = _core(_mention_map(key), _mention_map(response), exact)
    return {name: c[4 * i : 4 * i + 4] for i, name in enumerate(METRICS)}


def _prf(counts: tuple, exact: bool) -> dict[str, Any]:
    r_num, r_den, p_num, p_den = (Fraction(x) for x in counts) if exact else counts
    r = r_num / r_den if r_den else 0
    p = p_num / p_den if p_den else 0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0}


def muc(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["muc"], exact)


def b_cubed(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["bcub"], exact)


def ceaf_e(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["ceafe"], exact)


def lea(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["lea"], exact)


# --- documents ----------------------------------------------------------------------------------


def _cluster_map(mentions: list[Hashable], clusters: list[Any]) -> dict[Hashable, Any]:
    """mention -> cluster id; None ids become singletons; the first of a repeated mention wins."""
    if None in clusters:
        clusters = [_Singleton() if c is None else c for c in clusters]
    return dict(zip(reversed(mentions), reversed(clusters), strict=True))


def entity_map(d: ScoredDoc) -> dict[Hashable, Any]:
    return _cluster_map(d.entity_spans, d.entity_clusters)


_TRIGGER = itemgetter(slice(0, 2))
_CLUSTER = itemgetter(4)


def event_map(d: ScoredDoc) -> dict[Hashable, Any]:
    evs = d.events
    return _cluster_map(list(map(_TRIGGER, evs)), list(map(_CLUSTER, evs)))


CLUSTER_LAYERS = {"entities": entity_map, "events": event_map}


def doc_coref_counts(
    gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc], layer: str
) -> np.ndarray:
    """Per document the 16 numbers (4 metrics x r_num, r_den, p_num, p_den), float."""
    fn = CLUSTER_LAYERS[layer]
    rows = [coref_row(gd, pd, fn) for gd, pd in zip(gold, pred, strict=True)]
    return np.array(rows, dtype=float).reshape(len(rows), 16)


_ZERO = (0,) * 16


def coref_row(gd: ScoredDoc, pd: ScoredDoc, mention_map: Any) -> tuple:
    """One document's 16 numbers; mention_map is one of CLUSTER_LAYERS' values."""
    gm, pm = mention_map(gd), mention_map(pd)
    return _core(gm, pm) if gm or pm else _ZERO


def finalize_coref(totals: np.ndarray) -> dict[str, Any]:
    """Totals (..., 16) -> {muc, bcub, ceafe, lea: {p, r, f1}, conll: {f1}}."""
    t = np.asarray(totals, dtype=float)
    out: dict[str, Any] = {}
    for k, name in enumerate(METRICS):
        r = safe_div(t[..., 4 * k], t[..., 4 * k + 1])
        p = safe_div(t[..., 4 * k + 2], t[..., 4 * k + 3])
        out[name] = {"p": p, "r": r, "f1": safe_div(2 * p * r, p + r)}
    out["conll"] = {"f1": (out["muc"]["f1"] + out["bcub"]["f1"] + out["ceafe"]["f1"]) / 3}
    return out


def coref_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any], layer: str = "entities"
) -> dict[str, dict[str, float]]:
    """Within-document coreference of `layer` ("entities" or "events"), micro-averaged:
    {"muc", "bcub", "ceafe", "lea": {"p","r","f1"}, "conll": {"f1"}}."""
    if layer not in CLUSTER_LAYERS:
        raise ValueError(f"layer must be one of {sorted(CLUSTER_LAYERS)}, not {layer!r}")
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_coref(doc_coref_counts(g, p, layer).sum(0)))


# --- event coreference across the documents of a split ---------------------------------------

CROSS_DOCUMENT = "events_cross_document"


def is_document_local(cluster: Any, doc_id: str) -> bool:
    """A cluster id `<doc_id>/<slug>` (its own document's id, then a slash) names an event of
    that document only; any other id names one real-world event wherever it appears."""
    return isinstance(cluster, str) and cluster.startswith(doc_id + "/")


def cross_document_key(doc_id: str, cluster: Any) -> Hashable:
    """The cluster an event mention belongs to across documents: its id, kept apart per
    document when the id is document-local; no id: a singleton."""
    if cluster is None:
        return _Singleton()
    return local_key(cluster) if is_document_local(cluster, doc_id) else split_key(cluster)


def local_key(cluster: str) -> Hashable:
    # a local id starts with its own document's id, so it is unique as it is
    return ("local", cluster)


def split_key(cluster: Any) -> Hashable:
    # "1" and 1 are different ids (as within documents)
    return ("split", type(cluster) is str, cluster)


def cross_document_map(records: Iterable[tuple[str, Any]]) -> dict[Hashable, int]:
    """(document number, trigger start, trigger end) -> cluster number, over (doc_id, record)
    pairs numbered in order; a trigger repeated within a document keeps its first cluster, a
    mention without an id gets a (negative) number of its own. Numbers, not strings: the order
    in which sets of them are walked does not depend on string hashing, so the float sums are
    the same in every run."""
    out: dict[Hashable, int] = {}
    numbers: dict[Hashable, int] = {}
    for n, (doc_id, record) in enumerate(records):
        for ts, te, _, _, cluster, _ in as_doc(record).events:
            mention = (n, ts, te)
            if mention in out:
                continue
            if cluster is None:
                out[mention] = -1 - len(out)
            else:
                out[mention] = numbers.setdefault(cross_document_key(doc_id, cluster), len(numbers))
    return out


def cross_document_counts(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any], exact: bool = False
) -> tuple:
    """The 16 numbers (MUC, B³, CEAF-e, LEA x r_num, r_den, p_num, p_den) of event
    coreference over all gold documents at once: a mention is (document, trigger span), a
    cluster may hold mentions of several documents. Predictions for other documents are
    ignored, as everywhere in the scorer."""
    ids = sorted(gold_docs)
    get = pred_docs.get
    gm = cross_document_map((i, gold_docs[i]) for i in ids)
    pm = cross_document_map((i, get(i)) for i in ids)
    return _core(gm, pm, exact) if gm or pm else _ZERO


def cross_document_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any], exact: bool = False
) -> dict[str, Any]:
    """Cross-document event coreference: {"muc", "bcub", "ceafe", "lea": {"p","r","f1"},
    "conll": {"f1"}} (Fractions with `exact`)."""
    c = cross_document_counts(gold_docs, pred_docs, exact)
    out: dict[str, Any] = {
        name: _prf(c[4 * i : 4 * i + 4], exact) for i, name in enumerate(METRICS)
    }
    out["conll"] = {"f1": (out["muc"]["f1"] + out["bcub"]["f1"] + out["ceafe"]["f1"]) / 3}
    return out
