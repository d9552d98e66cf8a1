"""Boilerplate line scores (docs/DESIGN.md §7).

Predicted lines are matched to gold lines by (start, end). A gold line without a prediction is
wrong: it counts against accuracy and as a false negative of its gold label (it is nobody's false
positive). The four figures:

    accuracy        correct lines / gold lines
    macro_f1        mean F1 over the labels present in gold ∪ predictions; equals
                    sklearn.metrics.f1_score(average="macro", labels=those labels) with missing
                    predictions given a label outside that set
    boilerplate     P/R/F1 with boilerplate (every label but title/body) as the positive class
    content_words   CleanEval-style: bag of whitespace-separated words of the lines labelled content
                    (title/body), predicted against gold, matched as multisets
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..schema import CONTENT_LABELS, LINE_LABELS
from .docs import ScoredDoc, align
from .spans import finalize_prf, safe_div, to_python

_INDEX = {label: i for i, label in enumerate(LINE_LABELS)}
_L = len(LINE_LABELS)


def label_row(gd: ScoredDoc, pd: ScoredDoc) -> list[int]:
    """One document's (tp, fp, fn) per label, label-major: 3 * n_labels numbers."""
    # A Python list, not a numpy row: numpy scalar increments cost ~10x more.
    row = [0] * (3 * _L)
    gl, pl = gd.lines, pd.lines
    for span, g in gl.items():
        p = pl.get(span)
        gi = 3 * _INDEX[g]
        if p == g:
            row[gi] += 1
        else:
            row[gi + 2] += 1
            if p is not None:
                row[3 * _INDEX[p] + 1] += 1
    for span, p in pl.items():
        if span not in gl:  # a line the gold does not label: a false positive of its label
            row[3 * _INDEX[p] + 1] += 1
    return row


def label_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document and label, (tp, fp, fn): shape (n_docs, 3 * n_labels), label-major."""
    rows = list(map(label_row, gold, pred))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3 * _L)


def finalize_labels(totals: np.ndarray) -> dict[str, Any]:
    """Totals (..., 3L) -> {"accuracy": {accuracy, correct, n}, "macro_f1": {f1}, "per_label"}."""
    t = np.asarray(totals).reshape(*np.shape(totals)[:-1], _L, 3)
    tp, fp, fn = t[..., 0], t[..., 1], t[..., 2]
    f1 = safe_div(2 * tp, 2 * tp + fp + fn)
    present = (tp + fp + fn) > 0
    return {
        "accuracy": {
            "accuracy": safe_div(tp.sum(-1), (tp + fn).sum(-1)),
            "correct": tp.sum(-1),
            "n": (tp + fn).sum(-1),
        },
        "macro_f1": {"f1": safe_div((f1 * present).sum(-1), present.sum(-1))},
        "per_label": {
            label: {
                "p": safe_div(tp[..., i], tp[..., i] + fp[..., i]),
                "r": safe_div(tp[..., i], tp[..., i] + fn[..., i]),
                "f1": f1[..., i],
                "support": tp[..., i] + fn[..., i],
            }
            for i, label in enumerate(LINE_LABELS)
            if np.any(present[..., i])
        },
    }


def _boilerplate(d: ScoredDoc) -> set[tuple[int, int]]:
    return {span for span, lab in d.lines.items() if lab not in CONTENT_LABELS}


def _content(d: ScoredDoc) -> set[tuple[int, int]]:
    return {span for span, lab in d.lines.items() if lab in CONTENT_LABELS}


def boilerplate_row(gd: ScoredDoc, pd: ScoredDoc) -> tuple[int, int, int]:
    """One document's (tp, n_pred, n_gold) with boilerplate lines as the positive class."""
    gb, pb = _boilerplate(gd), _boilerplate(pd)
    return (len(gb & pb), len(pb), len(gb))


def boilerplate_counts(gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc]) -> np.ndarray:
    """Per document (tp, n_pred, n_gold) with boilerplate lines as the positive class."""
    rows = list(map(boilerplate_row, gold, pred))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3)


def word_row(gd: ScoredDoc, pd: ScoredDoc, text: str) -> tuple[int, int, int]:
    """One document's (tp, n_pred, n_gold) over content words (multiset intersection).

    Lines kept by both sides share all their words; only the words of lines kept by one side
    need a bag intersection: min(c + a, c + b) = c + min(a, b) for every word.
    """
    gc, pc = _content(gd), _content(pd)
    both = sum([len(text[s:e].split()) for s, e in gc & pc])
    g_only = [w for s, e in gc - pc for w in text[s:e].split()]
    p_only = [w for s, e in pc - gc for w in text[s:e].split()]
    extra = sum((Counter(g_only) & Counter(p_only)).values()) if g_only and p_only else 0
    return (both + extra, both + len(p_only), both + len(g_only))


def word_counts(
    gold: Sequence[ScoredDoc], pred: Sequence[ScoredDoc], texts: Sequence[str]
) -> np.ndarray:
    """Per document (tp, n_pred, n_gold) over content words (see `word_row`)."""
    rows = list(map(word_row, gold, pred, texts))
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3)


def line_accuracy(gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]) -> float:
    """Share of gold lines whose predicted label is right (unpredicted lines are wrong)."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_labels(label_counts(g, p).sum(0))["accuracy"]["accuracy"])


def line_macro_f1(gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]) -> float:
    """Macro-F1 over the line labels present in gold or predictions."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_labels(label_counts(g, p).sum(0))["macro_f1"]["f1"])


def line_label_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    """P/R/F1/support per line label present in gold or predictions."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_labels(label_counts(g, p).sum(0))["per_label"])


def boilerplate_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any]
) -> dict[str, float]:
    """Boilerplate-vs-content P/R/F1 (boilerplate positive), with tp, n_pred, n_gold."""
    _, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_prf(boilerplate_counts(g, p).sum(0)))


def content_word_scores(
    gold_docs: Mapping[str, Any], pred_docs: Mapping[str, Any], texts: Mapping[str, str]
) -> dict[str, float]:
    """CleanEval-style word-level P/R/F1 of the extracted content (texts: doc_id -> text)."""
    ids, g, p = align(gold_docs, pred_docs)
    return to_python(finalize_prf(word_counts(g, p, [texts[i] for i in ids]).sum(0)))
