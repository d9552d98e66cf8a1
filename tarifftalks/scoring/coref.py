"""Coreference scores for entity clusters and event clusters (SPEC §7): MUC, B³, CEAF-e, their
mean (CoNLL F1) and LEA, as the CoNLL-2012 reference scorer defines them, with system mentions.

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

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from .docs import ScoredDoc, align
from .spans import safe_div, to_python

Clusters = Sequence[Iterable[Hashable]]
METRICS: tuple[str, ...] = ("muc", "bcub", "ceafe", "lea")


def _dedup(clusters: Clusters) -> list[list[Hashable]]:
    seen: set[Hashable] = set()
    out = []
    for c in clusters:
        members = []
        for m in c:
            if m not in seen:
                seen.add(m)
                members.append(m)
        if members:
            out.append(members)
    return out


def _overlaps(key: list[list[Hashable]], resp: list[list[Hashable]]) -> Counter[tuple[int, int]]:
    where = {m: j for j, c in enumerate(resp) for m in c}
    ov: Counter[tuple[int, int]] = Counter()
    for i, c in enumerate(key):
        for m in c:
            j = where.get(m)
            if j is not None:
                ov[i, j] += 1
    return ov


def _one_side(
    sizes: list[int], other_sizes: list[int], ov: dict[tuple[int, int], int], div: Any
) -> tuple[Any, int, Any, int, Any, int]:
    """MUC, B³ and LEA numerators and denominators of one direction (recall when `sizes` are
    the key's). `ov` maps (this cluster, other cluster) to the shared mention count."""
    muc_num = 0
    bcub_num: Any = 0
    lea_num: Any = 0
    partners: dict[int, list[tuple[int, int]]] = {}
    for (i, j), n in ov.items():
        partners.setdefault(i, []).append((j, n))
    for i, size in enumerate(sizes):
        pairs = partners.get(i, ())
        shared = sum(n for _, n in pairs)
        # MUC: links kept = |k| - partitions of k by the other side (unmatched mentions are
        # partitions of their own) = shared - number of partner clusters.
        muc_num += shared - len(pairs)
        bcub_num += div(sum(n * n for _, n in pairs), size)
        if size == 1:
            # LEA: a singleton is resolved when the other side has it as a singleton too.
            lea_num += 1 if any(other_sizes[j] == 1 for j, _ in pairs) else 0
        else:
            links = sum(n * (n - 1) // 2 for _, n in pairs)
            lea_num += div(size * links, size * (size - 1) // 2)
    total = sum(sizes)
    return muc_num, total - len(sizes), bcub_num, total, lea_num, total


def _ceafe(
    key_sizes: list[int], resp_sizes: list[int], ov: Counter[tuple[int, int]], div: Any
) -> Any:
    """Total φ4 similarity of the best one-to-one alignment of key and response clusters."""
    if not ov:
        return 0
    rows = {i for i, _ in ov}
    cols = {j for _, j in ov}
    phi = {(i, j): div(2 * n, key_sizes[i] + resp_sizes[j]) for (i, j), n in ov.items()}
    if len(rows) == len(cols) == len(ov):  # every cluster overlaps at most one: no choice
        return sum(phi.values())
    from scipy.optimize import linear_sum_assignment  # only when an alignment must be chosen

    ri, ci = sorted(rows), sorted(cols)
    matrix = np.zeros((len(ri), len(ci)))
    for (i, j), v in phi.items():
        matrix[ri.index(i), ci.index(j)] = float(v)
    r, c = linear_sum_assignment(matrix, maximize=True)
    return sum(phi.get((ri[a], ci[b]), 0) for a, b in zip(r.tolist(), c.tolist(), strict=True))


def coref_counts(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, tuple]:
    """{metric: (r_num, r_den, p_num, p_den)} for MUC, B³, CEAF-e and LEA.

    `key` and `response` are clusters of hashable mentions. With `exact`, numerators are
    `Fraction`s (for tests against hand-computed values); otherwise floats.
    """
    div = Fraction if exact else (lambda a, b: a / b)
    k, r = _dedup(key), _dedup(response)
    ks, rs = [len(c) for c in k], [len(c) for c in r]
    ov = _overlaps(k, r)
    rev = {(j, i): n for (i, j), n in ov.items()}
    mr, mrd, br, brd, lr, lrd = _one_side(ks, rs, ov, div)
    mp, mpd, bp, bpd, lp, lpd = _one_side(rs, ks, rev, div)
    phi = _ceafe(ks, rs, ov, div)
    return {
        "muc": (mr, mrd, mp, mpd),
        "bcub": (br, brd, bp, bpd),
        "ceafe": (phi, len(k), phi, len(r)),
        "lea": (lr, lrd, lp, lpd),
    }


def _prf(counts: tuple) -> dict[str, Any]:
    r_num, r_den, p_num, p_den = counts
    r = r_num / r_den if r_den else 0
    p = p_num / p_den if p_den else 0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0}


def muc(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["muc"])


def b_cubed(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["bcub"])


def ceaf_e(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["ceafe"])


def lea(key: Clusters, response: Clusters, exact: bool = False) -> dict[str, Any]:
    return _prf(coref_counts(key, response, exact)["lea"])


# --- documents ----------------------------------------------------------------------------------


def _group(items: Iterable[tuple[Hashable, Any]]) -> list[list[Hashable]]:
    """Mentions grouped by cluster id, in order of first mention; a None id is a singleton."""
    groups: dict[Any, list[Hashable]] = {}
    for n, (mention, cid) in enumerate(items):
        groups.setdefault(("_", n) if cid is None else cid, []).append(mention)
    return list(groups.values())


def entity_clusters(d: ScoredDoc) -> list[list[Hashable]]:
    return _group(((s, e), c) for s, e, _, c in d.entities)


def event_clusters(d: ScoredDoc) -> list[list[Hashable]]:
    return _group(((ev[0], ev[1]), ev[4]) for ev in d.events)


CLUSTER_LAYERS = {"entities": entity_clusters, "events": event_clusters}


def doc_coref_counts(
    gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc], layer: str
) -> np.ndarray:
    """Per document the 16 numbers (4 metrics x r_num, r_den, p_num, p_den), float."""
    fn = CLUSTER_LAYERS[layer]
    out = np.zeros((len(gold), 16))
    for i, (gd, pd) in enumerate(zip(gold, pred, strict=True)):
        gc, pc = fn(gd), fn(pd)
        if not gc and not pc:
            continue
        c = coref_counts(gc, pc)
        out[i] = c["muc"] + c["bcub"] + c["ceafe"] + c["lea"]
    return out


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
