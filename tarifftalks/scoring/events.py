"""Event scores (SPEC §7), with the conventions of ACE/OneIE and TextEE:

trigger_i   (doc, t_start, t_end)
trigger_c   (doc, t_start, t_end, type)
arg_i       (doc, a_start, a_end, type)              trigger offsets not required
arg_c       (doc, a_start, a_end, type, role)
arg_i_plus  (doc, t_start, t_end, a_start, a_end, type)
arg_c_plus  (doc, t_start, t_end, a_start, a_end, type, role)
realis      accuracy over predicted triggers whose trigger_c tuple is in the gold
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .docs import ScoredDoc, align
from .spans import finalize_prf, safe_div, set_counts, to_python


def trigger_i(d: ScoredDoc) -> list[tuple]:
    return [(ts, te) for ts, te, *_ in d.events]


def trigger_c(d: ScoredDoc) -> list[tuple]:
    return [(ts, te, t) for ts, te, t, *_ in d.events]


def arg_i(d: ScoredDoc) -> list[tuple]:
    return [(s, e, ev[2]) for ev in d.events for s, e, _ in ev[5]]


def arg_c(d: ScoredDoc) -> list[tuple]:
    return [(s, e, ev[2], r) for ev in d.events for s, e, r in ev[5]]


def arg_i_plus(d: ScoredDoc) -> list[tuple]:
    return [(ev[0], ev[1], s, e, ev[2]) for ev in d.events for s, e, _ in ev[5]]


def arg_c_plus(d: ScoredDoc) -> list[tuple]:
    return [(ev[0], ev[1], s, e, ev[2], r) for ev in d.events for s, e, r in ev[5]]


EVENT_TUPLES = {
    "trigger_i": trigger_i,
    "trigger_c": trigger_c,
    "arg_i": arg_i,
    "arg_c": arg_c,
    "arg_i_plus": arg_i_plus,
    "arg_c_plus": arg_c_plus,
}


EVENT_METRICS: tuple[str, ...] = tuple(EVENT_TUPLES)


def _sets(d: ScoredDoc) -> tuple[set, ...]:
    evs = d.events
    acp = {(ts, te, s, e, t, r) for ts, te, t, _, _, args in evs for s, e, r in args}
    return (
        {ev[:2] for ev in evs},
        {ev[:3] for ev in evs},
        {x[2:5] for x in acp},
        {x[2:] for x in acp},
        {x[:5] for x in acp},
        acp,
    )


def all_event_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document (tp, n_pred, n_gold) of the six tuple sets, in EVENT_METRICS order, then
    realis (correct, n_matched): shape (n_docs, 20). One pass, one set build per tuple kind."""
    zero = (0,) * 20
    rows = []
    for gd, pd in zip(gold, pred, strict=True):
        if not gd.events and not pd.events:
            rows.append(zero)
            continue
        row: list[int] = []
        for gs, ps in zip(_sets(gd), _sets(pd), strict=True):
            row += (len(gs & ps), len(ps), len(gs))
        if gd.events and pd.events:
            gr = {ev[:3]: ev[3] for ev in gd.events}
            pr = {ev[:3]: ev[3] for ev in pd.events}
            matched = gr.keys() & pr.keys()
            row += (sum(gr[k] == pr[k] for k in matched), len(matched))
        else:
            row += (0, 0)
        rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(len(rows), 20)


def event_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc], metric: str) -> np.ndarray:
    """Per document (tp, n_pred, n_gold) of one event tuple set (see the module docstring)."""
    if metric not in EVENT_TUPLES:
        raise ValueError(f"metric must be one of {list(EVENT_TUPLES)}, not {metric!r}")
    return set_counts(gold, pred, EVENT_TUPLES[metric])


def event_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any], metric: str = "trigger_c"
) -> dict[str, float]:
    """Micro P/R/F1 of one event tuple set: {"p", "r", "f1", "tp", "n_pred", "n_gold"}."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_prf(event_counts(g, p, metric).sum(0)))


def realis_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document (correct, n_matched) over triggers matched by trigger_c."""
    return all_event_counts(gold, pred)[:, 18:20]


def finalize_events(totals: np.ndarray) -> dict[str, Any]:
    """Totals (..., 20) of `all_event_counts` -> every event metric."""
    t = np.asarray(totals)
    out = {m: finalize_prf(t[..., 3 * i : 3 * i + 3]) for i, m in enumerate(EVENT_METRICS)}
    out["realis"] = finalize_accuracy(t[..., 18:20])
    return out


def finalize_accuracy(totals: np.ndarray) -> dict[str, Any]:
    totals = np.asarray(totals)
    return {
        "accuracy": safe_div(totals[..., 0], totals[..., 1]),
        "correct": totals[..., 0],
        "n": totals[..., 1],
    }


def realis_accuracy(gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]) -> dict[str, float]:
    """Realis accuracy over predicted triggers matching a gold trigger by trigger_c:
    {"accuracy", "correct", "n"}."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_accuracy(realis_counts(g, p).sum(0)))
