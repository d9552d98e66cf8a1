"""Event scores (docs/DESIGN.md §7), with the conventions of ACE/OneIE and TextEE:

trigger_i   (doc, t_start, t_end)
trigger_c   (doc, t_start, t_end, type)
arg_i       (doc, a_start, a_end, type)              trigger offsets not required
arg_c       (doc, a_start, a_end, type, role)
arg_i_plus  (doc, t_start, t_end, a_start, a_end, type)
arg_c_plus  (doc, t_start, t_end, a_start, a_end, type, role)
realis      accuracy over predicted triggers whose trigger_c tuple is in the gold
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from .docs import Event, ScoredDoc, align
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


# Slices of an Event / of an arg_c_plus tuple, taken in C loops (map over itemgetter).
_TRIGGER_I = itemgetter(slice(0, 2))
_TRIGGER_C = itemgetter(slice(0, 3))
_REALIS = itemgetter(3)
_ARG_I = itemgetter(slice(2, 5))
_ARG_C = itemgetter(slice(2, None))
_ARG_I_PLUS = itemgetter(slice(0, 5))
_ZERO = (0,) * 20


def _sets(evs: list[Event], trigger_c: Iterable[tuple]) -> tuple[Iterable[tuple], ...]:
    """The six tuple sets of one document, in EVENT_METRICS order, from one arg_c_plus set."""
    acp = {(ts, te, s, e, t, r) for ts, te, t, _, _, args in evs for s, e, r in args}
    return (
        set(map(_TRIGGER_I, evs)),
        trigger_c,
        set(map(_ARG_I, acp)),
        set(map(_ARG_C, acp)),
        set(map(_ARG_I_PLUS, acp)),
        acp,
    )


def event_row(gd: ScoredDoc, pd: ScoredDoc) -> tuple[int, ...]:
    """One document's (tp, n_pred, n_gold) of the six tuple sets, in EVENT_METRICS order, then
    realis (correct, n_matched): 20 numbers, one set build per tuple kind."""
    ge, pe = gd.events, pd.events
    if not ge and not pe:
        return _ZERO
    # trigger_c -> realis; its keys are the trigger_c set (the last duplicate's realis wins)
    gr = dict(zip(map(_TRIGGER_C, ge), map(_REALIS, ge), strict=True))
    pr = dict(zip(map(_TRIGGER_C, pe), map(_REALIS, pe), strict=True))
    row: list[int] = []
    for gs, ps in zip(_sets(ge, gr.keys()), _sets(pe, pr.keys()), strict=True):
        row += (len(gs & ps), len(ps), len(gs))
    matched = gr.keys() & pr.keys()
    row += (sum([gr[k] == pr[k] for k in matched]), len(matched))
    return tuple(row)


def all_event_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document (tp, n_pred, n_gold) of the six tuple sets, in EVENT_METRICS order, then
    realis (correct, n_matched): shape (n_docs, 20)."""
    rows = list(map(event_row, gold, pred))
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
