"""Entity strict P/R/F1 equals seqeval's (IOB2, strict mode) on random span sets."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from tarifftalks.schema import ENTITY_TYPE_NAMES
from tarifftalks.scoring import entity_scores

TYPES = ENTITY_TYPE_NAMES[:4]  # few types, so type clashes on the same span are common

# A document: entities laid out left to right as (gap before, length, type), in tokens.
layout = st.lists(
    st.tuples(st.integers(0, 2), st.integers(1, 3), st.sampled_from(TYPES)), max_size=8
)


def spans(entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for gap, length, etype in entities:
        pos += gap
        out.append((pos, pos + length, etype))
        pos += length
    return out


def iob2(tok_spans: list[tuple[int, int, str]], n: int) -> list[str]:
    tags = ["O"] * n
    for a, b, t in tok_spans:
        tags[a] = f"B-{t}"
        for k in range(a + 1, b):
            tags[k] = f"I-{t}"
    return tags


def record(tok_spans: list[tuple[int, int, str]]) -> dict:
    # token i covers characters [5i, 5i + 4)
    return {"entities": [{"start": 5 * a, "end": 5 * b - 1, "type": t} for a, b, t in tok_spans]}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(layout, layout), min_size=1, max_size=5))
def test_strict_equals_seqeval(docs: list[tuple[list, list]]) -> None:
    gold, pred, y_true, y_pred = {}, {}, [], []
    for i, (g, p) in enumerate(docs):
        gs, ps = spans(g), spans(p)
        n = max([b for _, b, _ in gs + ps], default=0) + 1
        gold[f"d{i}"], pred[f"d{i}"] = record(gs), record(ps)
        y_true.append(iob2(gs, n))
        y_pred.append(iob2(ps, n))
    ours = entity_scores(gold, pred, mode="strict")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns on 0/0 and returns 0, as we do
        kw = {"mode": "strict", "scheme": IOB2}
        expected = (
            precision_score(y_true, y_pred, **kw),
            recall_score(y_true, y_pred, **kw),
            f1_score(y_true, y_pred, **kw),
        )
    assert (ours["p"], ours["r"], ours["f1"]) == pytest.approx(expected, rel=1e-12, abs=1e-15)
