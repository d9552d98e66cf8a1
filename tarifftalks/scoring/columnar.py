"""The scorer at scale: every metric of `score()` computed on flat arrays, all documents at once.

`score()` walks documents one at a time (`docs.ScoredDoc`, a Python object per mention), which
is clear and the reference, but at 100,000 documents costs several times the reading of the
file. Here each side is a handful of numpy columns (one row per line, mention, event or
argument, with its document's index), tuples become dense integer keys, and set metrics are
sorted-array intersections counted per document with `bincount`: the per-document count rows
are the same integers as the reference's (coreference: the same figures up to float rounding
of sums), so the bootstrap and every figure follow unchanged.

Gold records (mention-id arguments) and prediction records both convert through
`side_from_records`; `fastread` builds a prediction side straight from Arrow columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter, methodcaller
from typing import Any

import numpy as np

from ..schema import CONTENT_LABELS, ENTITY_TYPE_NAMES, LINE_LABELS
from . import coref

I64 = np.int64


class Vocab:
    """Strings (labels, types, realis, roles) to small integer codes, shared by both sides;
    and, apart (they are many), cross-document cluster keys to codes (`cluster`)."""

    def __init__(self) -> None:
        self.code: dict[Any, int] = {}
        self.clusters: dict[Any, int] = {}

    def cluster(self, key: Any) -> int:
        """The code of a cross-document cluster key (`coref.split_key`, `coref.local_key`)."""
        c = self.clusters.get(key)
        if c is None:
            c = self.clusters[key] = len(self.clusters)
        return c

    def codes(self, values: Sequence[Any]) -> np.ndarray:
        code = self.code
        for v in set(values) - code.keys():  # sorted would need comparable values; any order
            code[v] = len(code)
        return np.fromiter(map(code.__getitem__, values), dtype=I64, count=len(values))


@dataclass
class Side:
    """One side (gold or predicted) of all scored documents, as columns.

    lines   doc, start, end, label            (label: Vocab code)
    ents    doc, start, end, type, cluster    (cluster: equal within a document <=> same
                                              cluster; a mention without one is unique)
    events  doc, ts, te, type, realis, cluster, xcluster
                                              (realis: Vocab code of None when absent;
                                              xcluster: equal <=> same cross-document cluster,
                                              -1 for none, a singleton)
    args    event (row in events), start, end, role
    """

    n_docs: int
    cols: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key]


def _ints(values: Any, n: int) -> np.ndarray:
    return np.fromiter(values, dtype=I64, count=n)


def _flat(lists: list, docs: np.ndarray) -> tuple[list, np.ndarray]:
    """The items of per-row lists in one list, and the row value (`docs`) of each."""
    lens = np.fromiter(map(len, lists), dtype=I64, count=len(lists))
    return list(chain.from_iterable(lists)), np.repeat(docs, lens)


def _cluster_codes(values: list) -> np.ndarray:
    """Cluster ids -> codes: equal ids (as Python compares them: "1" and 1 differ) get equal
    codes; a missing id (None) a negative code of its own."""
    code: dict[Any, int] = {None: -1}
    for v in set(values) - code.keys():
        code[v] = len(code) - 1
    out = np.fromiter(map(code.__getitem__, values), dtype=I64, count=len(values))
    missing = out < 0
    out[missing] = -1 - np.flatnonzero(missing)
    return out


_GET_LINES = methodcaller("get", "lines")
_GET_ENTS = methodcaller("get", "entities")
_GET_EVENTS = methodcaller("get", "events")
_GET_ARGS = methodcaller("get", "arguments")
_START, _END = itemgetter("start"), itemgetter("end")
_GET_ID = methodcaller("get", "id")
_GET_ENTITY = methodcaller("get", "entity")
_GET_CLUSTER = methodcaller("get", "cluster")
_GET_REALIS = methodcaller("get", "realis")
_GET_MENTION = methodcaller("get", "mention")
_TRIGGER = itemgetter("trigger")


def side_from_records(
    records: Sequence[tuple[int, Mapping[str, Any] | None]],
    n_docs: int,
    vocab: Vocab,
    doc_ids: Sequence[str] | None = None,
) -> Side:
    """(document index, record) pairs -> a Side. Records are gold (arguments by mention id) or
    predictions (arguments by offsets); the shapes are those the validators guarantee. The
    document of index i is doc_ids[i] (default: the record's own `doc_id`), for the
    cross-document cluster codes.

    Every field is read by a C loop (`map` over `itemgetter`/`methodcaller`) over all items of
    all documents at once: per-item Python code would cost more than the scoring.
    """
    recs = [(d, r) for d, r in records if r]
    docs = np.fromiter((d for d, _ in recs), dtype=I64, count=len(recs))
    rows = [r for _, r in recs]
    cols: dict[str, np.ndarray] = {}

    lines, ldoc = _flat([x or () for x in map(_GET_LINES, rows)], docs)
    cols["lines.doc"] = ldoc
    cols["lines.start"] = _ints(map(_START, lines), len(lines))
    cols["lines.end"] = _ints(map(_END, lines), len(lines))
    cols["lines.label"] = vocab.codes(list(map(itemgetter("label"), lines)))

    ents, edoc = _flat([x or () for x in map(_GET_ENTS, rows)], docs)
    es = list(map(_START, ents))
    ee = list(map(_END, ents))
    cols["ents.doc"] = edoc
    cols["ents.start"] = _ints(es, len(ents))
    cols["ents.end"] = _ints(ee, len(ents))
    cols["ents.type"] = vocab.codes(list(map(itemgetter("type"), ents)))
    cols["ents.cluster"] = _cluster_codes(list(map(_GET_ENTITY, ents)))

    evs, vdoc = _flat([x or () for x in map(_GET_EVENTS, rows)], docs)
    trig = list(map(_TRIGGER, evs))
    cols["events.doc"] = vdoc
    cols["events.ts"] = _ints(map(_START, trig), len(evs))
    cols["events.te"] = _ints(map(_END, trig), len(evs))
    cols["events.type"] = vocab.codes(list(map(itemgetter("type"), evs)))
    cols["events.realis"] = vocab.codes(list(map(_GET_REALIS, evs)))
    ev_clusters = list(map(_GET_CLUSTER, evs))
    cols["events.cluster"] = _cluster_codes(ev_clusters)
    names: Any = doc_ids if doc_ids is not None else {d: r.get("doc_id", "") for d, r in recs}
    owners = list(map(names.__getitem__, vdoc.tolist()))
    cols["events.xcluster"] = xcluster_codes(vocab, ev_clusters, owners)

    args, aev = _flat([x or () for x in map(_GET_ARGS, evs)], np.arange(len(evs), dtype=I64))
    cols["args.event"] = aev
    cols["args.role"] = vocab.codes(list(map(itemgetter("role"), args)))
    mentions = list(map(_GET_MENTION, args))
    if any(m is not None for m in mentions):
        # gold: a mention id -> its mention's offsets (a repeated id: the last mention's)
        eids = list(map(_GET_ID, ents))
        offsets = dict(
            zip(zip(edoc.tolist(), eids, strict=True), zip(es, ee, strict=True), strict=True)
        )
        adoc = vdoc[aev].tolist()
        spans = [
            offsets[(d, m)] if m is not None else (a["start"], a["end"])
            for d, m, a in zip(adoc, mentions, args, strict=True)
        ]
        cols["args.start"] = _ints(map(itemgetter(0), spans), len(args))
        cols["args.end"] = _ints(map(itemgetter(1), spans), len(args))
    else:
        cols["args.start"] = _ints(map(_START, args), len(args))
        cols["args.end"] = _ints(map(_END, args), len(args))
    return Side(n_docs, cols)


def xcluster_codes(vocab: Vocab, clusters: list, owners: list[str]) -> np.ndarray:
    """Cross-document cluster codes (`Side`) of event cluster ids; owners: each event's doc id
    (a document-local id is kept apart per document); no id: -1."""
    key = coref.cross_document_key
    return np.fromiter(
        (
            -1 if c is None else vocab.cluster(key(o, c))
            for c, o in zip(clusters, owners, strict=True)
        ),
        dtype=I64,
        count=len(clusters),
    )


# --- keys ------------------------------------------------------------------------------------


def keys(*cols: np.ndarray) -> np.ndarray:
    """One int64 per row of equal-length integer columns: equal rows <=> equal keys.

    Mixed radix on the columns' ranges; when the next column would overflow 63 bits the key so
    far is first made dense (np.unique), which bounds it by the number of rows.
    """
    n = len(cols[0])
    key = np.zeros(n, dtype=I64)
    bound = 1
    for c in cols:
        if not n:
            return key
        c = np.asarray(c, dtype=I64)
        lo = int(c.min())
        width = int(c.max()) - lo + 1
        if bound * width >= 1 << 62:
            uniq, key = np.unique(key, return_inverse=True)
            bound = len(uniq)
        key = key * width + (c - lo)
        bound *= width
    return key


def dense(*cols: np.ndarray) -> np.ndarray:
    """Like `keys`, numbered 0, 1, … in key order (for bincount)."""
    k = keys(*cols)
    return np.unique(k, return_inverse=True)[1].astype(I64) if len(k) else k


def _both(g: Side, p: Side, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the same columns of both sides, comparable with each other."""
    n_g = len(g[names[0]])
    k = keys(*(np.concatenate([g[c], p[c]]) for c in names))
    return k[:n_g], k[n_g:]


def _set_counts(
    gk: np.ndarray, gdoc: np.ndarray, pk: np.ndarray, pdoc: np.ndarray, n_docs: int
) -> np.ndarray:
    """Per document (tp, n_pred, n_gold) of the key sets (keys include the document)."""
    gu, gi = np.unique(gk, return_index=True)
    pu, pi = np.unique(pk, return_index=True)
    hit = np.isin(pu, gu, assume_unique=True)
    pd_ = pdoc[pi]
    return np.stack(
        [
            np.bincount(pd_[hit], minlength=n_docs),
            np.bincount(pd_, minlength=n_docs),
            np.bincount(gdoc[gi], minlength=n_docs),
        ],
        axis=1,
    ).astype(I64)


def last_rows(k: np.ndarray) -> np.ndarray:
    """Indices of the last row of each distinct key (dict semantics: the last one wins)."""
    rev = k[::-1]
    _, first = np.unique(rev, return_index=True)
    return len(k) - 1 - first


def _at(arr: np.ndarray, idx: np.ndarray, fill: Any) -> np.ndarray:
    """arr[idx] where idx >= 0, else `fill` (arr may be empty)."""
    out = np.full(len(idx), fill, dtype=arr.dtype)
    hit = idx >= 0
    out[hit] = arr[idx[hit]]
    return out


def _first(k: np.ndarray) -> np.ndarray:
    return np.unique(k, return_index=True)[1]


# --- metrics ---------------------------------------------------------------------------------


def entity_rows(g: Side, p: Side) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Per document strict then boundary (tp, n_pred, n_gold); and strict totals per type."""
    n = g.n_docs
    gs, ps = _both(g, p, ("ents.doc", "ents.start", "ents.end", "ents.type"))
    gb, pb = _both(g, p, ("ents.doc", "ents.start", "ents.end"))
    strict = _set_counts(gs, g["ents.doc"], ps, p["ents.doc"], n)
    boundary = _set_counts(gb, g["ents.doc"], pb, p["ents.doc"], n)
    # per type: the same sets, counted by type
    gu, gi = np.unique(gs, return_index=True)
    pu, pi = np.unique(ps, return_index=True)
    hit = np.isin(pu, gu, assume_unique=True)
    gt, pt = g["ents.type"][gi], p["ents.type"][pi]
    return np.hstack([strict, boundary]), {"tp": pt[hit], "n_pred": pt, "n_gold": gt}


def per_type_totals(typed: dict[str, np.ndarray], vocab: Vocab) -> dict[str, np.ndarray]:
    size = max(len(vocab.code), 1)
    tp, n_pred, n_gold = (np.bincount(typed[k], minlength=size) for k in ("tp", "n_pred", "n_gold"))
    out = {}
    for t in ENTITY_TYPE_NAMES:
        c = vocab.code.get(t)
        if c is not None and (n_gold[c] or n_pred[c]):
            out[t] = np.array([tp[c], n_pred[c], n_gold[c]])
    return out


def event_rows(g: Side, p: Side) -> np.ndarray:
    """Per document the 20 numbers of `events.event_row`: six tuple sets, then realis."""
    n = g.n_docs
    out = []
    trig = ("events.doc", "events.ts", "events.te")
    for names in (trig, (*trig, "events.type")):
        gk, pk = _both(g, p, names)
        out.append(_set_counts(gk, g["events.doc"], pk, p["events.doc"], n))
    # argument tuples: columns of the argument joined with its event's
    ga, pa = _arg_cols(g), _arg_cols(p)
    gdoc, pdoc = ga["events.doc"], pa["events.doc"]
    for names in (
        ("events.doc", "args.start", "args.end", "events.type"),
        ("events.doc", "args.start", "args.end", "events.type", "args.role"),
        ("events.doc", "events.ts", "events.te", "args.start", "args.end", "events.type"),
        (
            "events.doc",
            "events.ts",
            "events.te",
            "args.start",
            "args.end",
            "events.type",
            "args.role",
        ),
    ):
        k = keys(*(np.concatenate([ga[c], pa[c]]) for c in names))
        out.append(_set_counts(k[: len(gdoc)], gdoc, k[len(gdoc) :], pdoc, n))
    # realis over trigger_c matches; each side's last event of a trigger_c tuple gives it
    gk, pk = _both(g, p, ("events.doc", "events.ts", "events.te", "events.type"))
    gl, pl = last_rows(gk), last_rows(pk)
    order = np.argsort(gk[gl])
    gkeys, grealis = gk[gl][order], g["events.realis"][gl][order]
    pos = np.searchsorted(gkeys, pk[pl])
    pos[pos >= len(gkeys)] = 0
    matched = (gkeys[pos] == pk[pl]) if len(gkeys) else np.zeros(len(pl), dtype=bool)
    same = matched & (grealis[pos] == p["events.realis"][pl]) if len(gkeys) else matched
    mdoc = p["events.doc"][pl]
    realis = np.stack(
        [np.bincount(mdoc[same], minlength=n), np.bincount(mdoc[matched], minlength=n)], axis=1
    )
    return np.hstack(out + [realis]).astype(I64)


def _arg_cols(s: Side) -> dict[str, np.ndarray]:
    ev = s["args.event"]
    return {
        "events.doc": s["events.doc"][ev],
        "events.ts": s["events.ts"][ev],
        "events.te": s["events.te"][ev],
        "events.type": s["events.type"][ev],
        "args.start": s["args.start"],
        "args.end": s["args.end"],
        "args.role": s["args.role"],
    }


def _line_join(g: Side, p: Side) -> tuple[np.ndarray, ...]:
    """Each side's lines (last label per span wins), and for every gold line the position of
    the same span among the predicted ones (or -1)."""
    gk, pk = _both(g, p, ("lines.doc", "lines.start", "lines.end"))
    gl, pl = last_rows(gk), last_rows(pk)
    order = np.argsort(pk[pl])
    psorted = pk[pl][order]
    pos = np.searchsorted(psorted, gk[gl])
    pos[pos >= len(psorted)] = 0
    hit = (psorted[pos] == gk[gl]) if len(psorted) else np.zeros(len(gl), dtype=bool)
    g_to_p = np.where(hit, pl[order][pos] if len(psorted) else 0, -1)
    p_matched = np.zeros(len(pk), dtype=bool)
    p_matched[g_to_p[hit]] = True
    return gl, pl, g_to_p, p_matched


def boilerplate_rows(
    g: Side, p: Side, vocab: Vocab, texts: Sequence[str] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per document: (tp, fp, fn) per line label, label-major; boilerplate (tp, n_pred,
    n_gold); content words (tp, n_pred, n_gold) when the texts are given."""
    n, L = g.n_docs, len(LINE_LABELS)
    gl, pl, g_to_p, p_matched = _line_join(g, p)
    # vocab code -> LINE_LABELS index (a label outside them fails as in the reference)
    index = np.full(max(len(vocab.code), 1), -1, dtype=I64)
    for i, lab in enumerate(LINE_LABELS):
        c = vocab.code.get(lab)
        if c is not None:
            index[c] = i
    glab, plab_all = index[g["lines.label"]], index[p["lines.label"]]
    if (glab[gl] < 0).any() or (plab_all[pl] < 0).any():
        raise KeyError("line label outside LINE_LABELS")
    gdoc = g["lines.doc"][gl]
    g_lab = glab[gl]
    p_of_g = _at(plab_all, g_to_p, -1)
    right = p_of_g == g_lab
    cells = [
        gdoc[right] * 3 * L + 3 * g_lab[right],  # tp of the gold label
        gdoc[~right] * 3 * L + 3 * g_lab[~right] + 2,  # fn of the gold label
    ]
    wrong_pred = ~right & (p_of_g >= 0)
    cells.append(gdoc[wrong_pred] * 3 * L + 3 * p_of_g[wrong_pred] + 1)  # fp of the predicted
    unmatched = pl[~p_matched[pl]]  # predicted lines the gold does not have
    cells.append(p["lines.doc"][unmatched] * 3 * L + 3 * plab_all[unmatched] + 1)
    labels = np.bincount(np.concatenate(cells), minlength=n * 3 * L).reshape(n, 3 * L)

    content = np.zeros(max(len(vocab.code), 1), dtype=bool)
    for lab in CONTENT_LABELS:
        if lab in vocab.code:
            content[vocab.code[lab]] = True
    g_content = content[g["lines.label"][gl]]
    p_content_all = content[p["lines.label"]]
    p_content = p_content_all[pl]
    # boilerplate as the positive class, over the last label of each span
    g_bp, p_bp = ~g_content, ~p_content
    tp_bp = g_bp & (g_to_p >= 0) & ~_at(p_content_all, g_to_p, True)
    bp = np.stack(
        [
            np.bincount(gdoc[tp_bp], minlength=n),
            np.bincount(p["lines.doc"][pl][p_bp], minlength=n),
            np.bincount(gdoc[g_bp], minlength=n),
        ],
        axis=1,
    )
    words = None
    if texts is not None:
        g_c = g_content & (g_to_p >= 0)
        both = g_c & _at(p_content_all, g_to_p, False)
        words = _word_rows(g, p, gl, pl, g_to_p, both, g_content, p_content, p_matched, texts)
    return labels.astype(I64), bp.astype(I64), words


def _n_words(texts: Sequence[str], doc: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    rows = zip(doc.tolist(), s.tolist(), e.tolist(), strict=True)
    return np.fromiter(
        (len(texts[d][a:b].split()) for d, a, b in rows),
        dtype=I64,
        count=len(doc),
    )


def _word_rows(g, p, gl, pl, g_to_p, both, g_content, p_content, p_matched, texts) -> np.ndarray:
    """Content words, as `boilerplate.word_row`: lines kept by both sides share their words;
    the words of lines kept by one side only are matched as multisets."""
    n = g.n_docs
    gdoc = g["lines.doc"][gl]
    # gold content lines also content in the prediction
    b_doc = gdoc[both]
    b_n = _n_words(texts, b_doc, g["lines.start"][gl][both], g["lines.end"][gl][both])
    both_n = np.bincount(b_doc, weights=b_n, minlength=n).astype(I64)
    # one side only: gold content lines not content in the prediction, and vice versa
    g_only = g_content & ~both
    p_both = np.zeros(len(p["lines.doc"]), dtype=bool)
    p_both[g_to_p[both]] = True
    p_only = p_content & ~p_both[pl]
    vocab: dict[str, int] = {}
    get = vocab.setdefault

    def bag(side: Side, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        docs, ids = [], []
        for d, a, b in zip(
            side["lines.doc"][rows].tolist(),
            side["lines.start"][rows].tolist(),
            side["lines.end"][rows].tolist(),
            strict=True,
        ):
            ws = texts[d][a:b].split()
            docs += [d] * len(ws)
            ids += [get(w, len(vocab)) for w in ws]
        return np.array(docs, dtype=I64), np.array(ids, dtype=I64)

    gd, gw = bag(g, gl[g_only])
    pd_, pw = bag(p, pl[p_only])
    # multiset intersection per document: sum over words of min(gold count, predicted count)
    k = keys(np.concatenate([gd, pd_]), np.concatenate([gw, pw]))
    gk, pk = k[: len(gd)], k[len(gd) :]
    gu, gc = np.unique(gk, return_counts=True)
    pu, pidx, pc = np.unique(pk, return_index=True, return_counts=True)
    pos = np.searchsorted(gu, pu)
    pos[pos >= len(gu)] = 0
    hit = (gu[pos] == pu) if len(gu) else np.zeros(len(pu), dtype=bool)
    common = np.where(hit, np.minimum(pc, gc[pos] if len(gu) else 0), 0)
    extra = np.bincount(pd_[pidx], weights=common, minlength=n).astype(I64)
    return np.stack(
        [
            both_n + extra,
            both_n + np.bincount(pd_, minlength=n),
            both_n + np.bincount(gd, minlength=n),
        ],
        axis=1,
    ).astype(I64)


# --- coreference -------------------------------------------------------------------------------


def coref_rows(g: Side, p: Side, layer: str) -> np.ndarray:
    """Per document the 16 numbers of `coref.coref_row` (MUC, B³, CEAF-e, LEA)."""
    if layer == "entities":
        names, cl = ("ents.doc", "ents.start", "ents.end"), "ents.cluster"
    else:
        names, cl = ("events.doc", "events.ts", "events.te"), "events.cluster"
    gk, pk = _both(g, p, names)
    # a repeated mention keeps its first cluster
    gf, pf = _first(gk), _first(pk)
    gdoc, pdoc = g[names[0]][gf], p[names[0]][pf]
    gcl = dense(gdoc, g[cl][gf])  # cluster ids made distinct across documents
    pcl = dense(pdoc, p[cl][pf])
    return _coref_table(gk[gf], pk[pf], gdoc, pdoc, gcl, pcl, g.n_docs)


def cross_document_totals(g: Side, p: Side) -> np.ndarray:
    """The 16 numbers of `coref.cross_document_counts`: event mentions of all documents in
    one group, clustered by their cross-document ids."""
    names = ("events.doc", "events.ts", "events.te")
    gk, pk = _both(g, p, names)
    gf, pf = _first(gk), _first(pk)
    gcl, pcl = _singletons(g["events.xcluster"][gf]), _singletons(p["events.xcluster"][pf])
    zero_g, zero_p = np.zeros(len(gf), dtype=I64), np.zeros(len(pf), dtype=I64)
    return _coref_table(gk[gf], pk[pf], zero_g, zero_p, gcl, pcl, 1)[0]


def _singletons(x: np.ndarray) -> np.ndarray:
    """Dense cluster codes: -1 (no id) becomes a cluster of its own."""
    x = x.copy()
    none = x < 0
    x[none] = (x.max() + 1 if len(x) else 0) + np.arange(int(none.sum()))
    return dense(x)


def _coref_table(
    gm: np.ndarray,
    pm: np.ndarray,
    gdoc: np.ndarray,
    pdoc: np.ndarray,
    gcl: np.ndarray,
    pcl: np.ndarray,
    n: int,
) -> np.ndarray:
    """(n, 16) from each side's sorted distinct mention keys, their group (document) and
    dense cluster codes (a cluster lies in one group)."""
    ksize = np.bincount(gcl) if len(gcl) else np.zeros(0, dtype=I64)
    rsize = np.bincount(pcl) if len(pcl) else np.zeros(0, dtype=I64)
    # mentions on both sides and their (key, response) cluster pairs
    pos = np.searchsorted(gm, pm)
    pos[pos >= len(gm)] = 0
    common = (gm[pos] == pm) if len(gm) else np.zeros(len(pm), dtype=bool)
    kc, rc, cdoc = gcl[pos[common]], pcl[common], pdoc[common]
    pair = keys(kc, rc)
    pu, pi, nn = np.unique(pair, return_index=True, return_counts=True)
    k, r, d = kc[pi], rc[pi], cdoc[pi]
    a = ksize[k].astype(float)
    b = rsize[r].astype(float)
    n_ = nn.astype(float)
    sq = n_ * n_
    bin_ = lambda w: np.bincount(d, weights=w, minlength=n)  # noqa: E731
    b_r, b_p = bin_(sq / a), bin_(sq / b)
    l_r = bin_(np.where(a > 1, (sq - n_) / np.maximum(a - 1, 1), np.where(b == 1, 1.0, 0.0)))
    l_p = bin_(np.where(b > 1, (sq - n_) / np.maximum(b - 1, 1), np.where(a == 1, 1.0, 0.0)))
    muc = np.bincount(cdoc, minlength=n) - np.bincount(d, minlength=n)
    n_k, n_r = np.bincount(gdoc, minlength=n), np.bincount(pdoc, minlength=n)
    # clusters per document: the document of each cluster id
    kdoc = np.zeros(len(ksize), dtype=I64)
    kdoc[gcl] = gdoc
    rdoc = np.zeros(len(rsize), dtype=I64)
    rdoc[pcl] = pdoc
    c_k, c_r = np.bincount(kdoc, minlength=n), np.bincount(rdoc, minlength=n)
    phi = 2 * n_ / (a + b)
    ceafe = _ceafe(k, r, d, phi, n)
    f = float
    rows = np.stack(
        [
            muc,
            n_k - c_k,
            muc,
            n_r - c_r,
            b_r,
            n_k,
            b_p,
            n_r,
            ceafe,
            c_k,
            ceafe,
            c_r,
            l_r,
            n_k,
            l_p,
            n_r,
        ],
        axis=1,
    ).astype(f)
    return rows


def _ceafe(k: np.ndarray, r: np.ndarray, d: np.ndarray, phi: np.ndarray, n: int) -> np.ndarray:
    """Per document the φ4 total of the best one-to-one alignment (as `coref._align`): pairs
    whose clusters overlap nothing else count as they are; where the rest's best partners on
    one side are all different, the upper bound is reached; only other documents go through
    the reference (the Hungarian algorithm), one by one."""
    out = np.zeros(n)
    if not len(k):
        return out
    kdeg = np.bincount(k)[k]
    rdeg = np.bincount(r)[r]
    alone = (kdeg == 1) & (rdeg == 1)
    out += np.bincount(d[alone], weights=phi[alone], minlength=n)
    rest = ~alone
    if not rest.any():
        return out
    k, r, d, phi = k[rest], r[rest], d[rest], phi[rest]
    solved = np.zeros(n, dtype=bool)
    has_rest = np.zeros(n, dtype=bool)
    has_rest[d] = True
    for own, other in ((k, r), (r, k)):
        # each cluster's best partner: highest φ, then (for ties) the first pair in key order
        order = np.lexsort((-phi, own))
        own_s = own[order]
        first = np.r_[True, own_s[1:] != own_s[:-1]]
        best = order[first]
        # the bound is reached when no two clusters of a document share a best partner
        partner = other[best]
        dup = np.zeros(n, dtype=bool)
        ps = np.sort(partner)
        shared = ps[1:][ps[1:] == ps[:-1]]
        if len(shared):
            dup[d[best][np.isin(partner, shared)]] = True
        ok = has_rest & ~dup & ~solved
        take = ok[d[best]]
        out += np.bincount(d[best][take], weights=phi[best][take], minlength=n)
        solved |= ok
    left = np.flatnonzero(has_rest & ~solved)
    if len(left):
        sel = np.isin(d, left)
        ks, rs, ds, ps_ = k[sel], r[sel], d[sel], phi[sel]
        order = np.argsort(ds, kind="stable")
        ks, rs, ds, ps_ = ks[order], rs[order], ds[order], ps_[order]
        bounds = np.flatnonzero(np.r_[True, ds[1:] != ds[:-1], True])
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            pair_keys = zip(ks[lo:hi].tolist(), rs[lo:hi].tolist(), strict=True)
            pairs = dict(zip(pair_keys, ps_[lo:hi].tolist(), strict=True))
            out[ds[lo]] += coref._align(pairs)
    return out
