"""Every metric on two hand-built documents (tests/scoring_cases.py), against fractions worked
out by hand; boilerplate figures against sklearn; gold as predictions; empty predictions."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from tarifftalks.scoring import (
    boilerplate_scores,
    content_word_scores,
    coref_scores,
    entity_scores,
    entity_type_scores,
    event_scores,
    gold_to_predictions,
    line_accuracy,
    line_label_scores,
    line_macro_f1,
    realis_accuracy,
    score,
)
from tarifftalks.scoring.docs import as_doc
from tests.scoring_cases import TEXTS, gold_docs, pred_docs


def prf(p: F, r: F) -> dict[str, object]:
    f1 = 2 * p * r / (p + r) if p + r else F(0)
    return {
        "p": pytest.approx(float(p)),
        "r": pytest.approx(float(r)),
        "f1": pytest.approx(float(f1)),
    }


def figures(d: dict) -> dict:
    return {k: d[k] for k in ("p", "r", "f1")}


G, P = gold_docs(), pred_docs()


# --- entities --------------------------------------------------------------------------------
# gold 8 mentions, predicted 8; strict right: Japan, Friday, Trump, Tokyo, next week = 5;
# boundary also United States (wrong type) = 6.


def test_entity_strict() -> None:
    s = entity_scores(G, P, mode="strict")
    assert figures(s) == prf(F(5, 8), F(5, 8))
    assert (s["tp"], s["n_pred"], s["n_gold"]) == (5, 8, 8)


def test_entity_boundary() -> None:
    assert figures(entity_scores(G, P, mode="boundary")) == prf(F(6, 8), F(6, 8))


def test_entity_per_type() -> None:
    t = entity_type_scores(G, P)
    # GPE: gold Japan, United States, Washington, Tokyo; predicted Japan, "Washington on", Tokyo
    assert figures(t["GPE"]) == prf(F(2, 3), F(2, 4))
    assert figures(t["ORG"]) == prf(F(0), F(0))  # predicted only
    assert figures(t["DATE"]) == prf(F(1), F(1))
    assert figures(t["COMMODITY"]) == prf(F(0), F(0))
    assert "TIME" not in t  # neither side has it


def test_entity_mode_is_checked() -> None:
    with pytest.raises(ValueError):
        entity_scores(G, P, mode="loose")


# --- events ----------------------------------------------------------------------------------
# gold triggers: talks/Negotiate, imposed/Impose (d1), offer/Offer (d2)
# predicted: talks/Meet, imposed/Impose, tariffs/Impose (d1), offer/Offer (d2)


@pytest.mark.parametrize(
    ("metric", "p", "r"),
    [
        ("trigger_i", F(3, 4), F(3, 3)),
        ("trigger_c", F(2, 4), F(2, 3)),
        # (arg, type): predicted Japan/Meet, Washington/Meet, Trump/Impose, autos/Impose,
        # Japan/Impose (Trump/Impose twice: a set) + Tokyo, next week = 7; right 2 + 2
        ("arg_i", F(4, 7), F(4, 8)),
        # + role: autos is Goods, not Target
        ("arg_c", F(3, 7), F(3, 8)),
        # + trigger offsets: Trump under "tariffs" is a new tuple, and a wrong one
        ("arg_i_plus", F(4, 8), F(4, 8)),
        ("arg_c_plus", F(3, 8), F(3, 8)),
    ],
)
def test_event_tuples(metric: str, p: F, r: F) -> None:
    assert figures(event_scores(G, P, metric)) == prf(p, r)


def test_realis() -> None:
    # matched by trigger_c: imposed (actual vs planned: wrong), offer (planned: right)
    assert realis_accuracy(G, P) == {"accuracy": 0.5, "correct": 1, "n": 2}


# --- boilerplate -----------------------------------------------------------------------------
# d1: body, byline, body(not predicted); d2: body, related(predicted body)

Y_TRUE = ["body", "byline", "body", "body", "related"]
Y_PRED = ["body", "byline", "<missing>", "body", "body"]
LABELS = ["body", "byline", "related"]


def test_line_accuracy() -> None:
    assert line_accuracy(G, P) == pytest.approx(3 / 5)
    assert line_accuracy(G, P) == pytest.approx(accuracy_score(Y_TRUE, Y_PRED))


def test_line_macro_f1() -> None:
    # body F1 2/3 (tp 2, fp 1, fn 1), byline 1, related 0
    assert line_macro_f1(G, P) == pytest.approx(float(F(5, 9)))
    sk = f1_score(Y_TRUE, Y_PRED, labels=LABELS, average="macro", zero_division=0)
    assert line_macro_f1(G, P) == pytest.approx(sk, rel=1e-12)
    per = line_label_scores(G, P)
    assert sorted(per) == sorted(LABELS)
    p, r, f, s = precision_recall_fscore_support(Y_TRUE, Y_PRED, labels=LABELS, zero_division=0)
    for i, label in enumerate(LABELS):
        assert per[label]["p"] == pytest.approx(p[i])
        assert per[label]["r"] == pytest.approx(r[i])
        assert per[label]["f1"] == pytest.approx(f[i])
        assert per[label]["support"] == s[i]


def test_boilerplate_vs_content() -> None:
    s = boilerplate_scores(G, P)
    assert figures(s) == prf(F(1, 1), F(1, 2))
    yt = [y not in ("title", "body") for y in Y_TRUE]
    yp = [y not in ("title", "body", "<missing>") for y in Y_PRED]
    p, r, f, _ = precision_recall_fscore_support(yt, yp, average="binary", zero_division=0)
    assert (s["p"], s["r"], s["f1"]) == pytest.approx((p, r, f))


def test_content_words() -> None:
    # gold content words: 11 + 5 (d1), 6 (d2) = 22; predicted: 11 (d1), 6 + 4 (d2) = 21; tp 17
    assert figures(content_word_scores(G, P, TEXTS)) == prf(F(17, 21), F(17, 22))


def test_content_words_are_a_multiset() -> None:
    text = {"m": "a a b\na c\n"}
    gold = {
        "m": {
            "lines": [
                {"start": 0, "end": 5, "label": "body"},
                {"start": 6, "end": 9, "label": "promo"},
            ]
        }
    }
    pred = {
        "m": {
            "lines": [
                {"start": 0, "end": 5, "label": "promo"},
                {"start": 6, "end": 9, "label": "body"},
            ]
        }
    }
    # gold bag {a:2, b:1}, predicted bag {a:1, c:1}: one word in common
    assert figures(content_word_scores(gold, pred, text)) == prf(F(1, 2), F(1, 3))


# --- coreference on a document ---------------------------------------------------------------


def test_entity_coreference_on_a_document() -> None:
    text = "Akazawa said he would go. The minister left."
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("Akazawa", "he", "minister")]
    gold = {
        "x": {"entities": [{"start": s, "end": e, "type": "PER", "entity": "C1"} for s, e in spans]}
    }
    pred = {
        "x": {
            "entities": [
                {"start": spans[0][0], "end": spans[0][1], "type": "PER", "entity": "a"},
                {"start": spans[1][0], "end": spans[1][1], "type": "PER", "entity": "a"},
                {"start": spans[2][0], "end": spans[2][1], "type": "PER"},  # no id: singleton
            ]
        }
    }
    c = coref_scores(gold, pred, "entities")
    assert figures(c["muc"]) == prf(F(1), F(1, 2))
    assert figures(c["bcub"]) == prf(F(1), F(5, 9))
    assert figures(c["ceafe"]) == prf(F(2, 5), F(4, 5))
    assert figures(c["lea"]) == prf(F(2, 3), F(1, 3))
    mean = (c["muc"]["f1"] + c["bcub"]["f1"] + c["ceafe"]["f1"]) / 3
    assert c["conll"]["f1"] == pytest.approx(mean)


# --- whole runs ------------------------------------------------------------------------------


def _all_figures(result: dict) -> list[tuple[str, float]]:
    """(path, value) of every p/r/f1/accuracy figure outside per-type/per-label tables."""
    out = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("ci", "per_type", "per_label", "meta"):
                    continue
                walk(v, f"{path}.{k}")
        elif path.rsplit(".", 1)[-1] in ("p", "r", "f1", "accuracy"):
            out.append((path, node))

    walk(result, "")
    return out


def _with_clusters() -> tuple[dict, dict]:
    """The two documents plus one with real clusters (MUC has no links to find without them)."""
    text = "Akazawa met Bessent. He met him again."
    spans = {
        w: (text.index(w), text.index(w) + len(w)) for w in ("Akazawa", "Bessent", "He", "him")
    }
    cluster = {"Akazawa": "C1", "He": "C1", "Bessent": "C2", "him": "C2"}
    meets = [
        (text.index("met"), text.index("met") + 3),
        (text.rindex("met"), text.rindex("met") + 3),
    ]
    d3 = {
        "lines": [{"start": 0, "end": len(text), "label": "body"}],
        "entities": [
            {"start": s, "end": e, "type": "PER", "entity": cluster[w]}
            for w, (s, e) in spans.items()
        ],
        "events": [
            {
                "trigger": {"start": s, "end": e},
                "type": "Contact:Meet",
                "realis": "actual",
                "cluster": "m",
                "arguments": [
                    {
                        "start": spans["Akazawa"][0],
                        "end": spans["Akazawa"][1],
                        "role": "Participant",
                    }
                ],
            }
            for s, e in meets
        ],
    }
    return {**G, "d3": {"doc_id": "d3", **d3}}, {**TEXTS, "d3": text}


def test_gold_as_predictions_scores_one_everywhere() -> None:
    gold, texts = _with_clusters()
    preds = {k: gold_to_predictions(g) for k, g in gold.items()}
    result = score(gold, preds, texts, n_resamples=50)
    figs = _all_figures(result)
    assert len(figs) == 72  # every figure of every layer (13 of them cross-document coref)
    assert all(v == 1.0 for _, v in figs), [f for f in figs if f[1] != 1.0]
    assert result["entities"]["strict"]["ci"]["f1"] == [1.0, 1.0]


def test_gold_to_predictions_round_trips() -> None:
    for g in G.values():
        assert as_doc(gold_to_predictions(g)) == as_doc(g)


def test_empty_predictions_score_recall_zero() -> None:
    for preds in ({}, {k: {"doc_id": k} for k in G}):
        result = score(G, preds, TEXTS, n_resamples=20)
        recalls = [(p, v) for p, v in _all_figures(result) if p.endswith((".r", ".accuracy"))]
        assert len(recalls) == 24  # 4 of them cross-document event coreference
        assert all(v == 0 for _, v in recalls), recalls
        assert result["meta"]["missing"] == ([] if preds else ["d1", "d2"])


def test_predictions_outside_the_gold_are_ignored() -> None:
    preds = {**P, "zz": P["d1"]}
    assert entity_scores(G, preds) == entity_scores(G, P)
    assert score(G, preds, TEXTS, n_resamples=0)["meta"]["ignored"] == ["zz"]


def test_score_layers_and_keys() -> None:
    result = score(G, P, TEXTS, layers=["entities", "events"], n_resamples=0)
    assert set(result) == {"entities", "events", "meta"}
    assert set(result["entities"]) == {"strict", "boundary", "per_type"}
    assert set(result["events"]) == {
        "trigger_i",
        "trigger_c",
        "arg_i",
        "arg_c",
        "arg_i_plus",
        "arg_c_plus",
        "realis",
    }
    full = score(G, P, TEXTS, n_resamples=0)
    assert set(full["boilerplate"]) == {
        "accuracy",
        "macro_f1",
        "per_label",
        "boilerplate",
        "content_words",
    }
    assert set(full["coreference"]) == {"entities", "events", "events_cross_document"}
    assert set(full["coreference"]["events"]) == {"muc", "bcub", "ceafe", "lea", "conll"}


def test_library_functions_agree_with_score() -> None:
    result = score(G, P, TEXTS, n_resamples=0)
    assert figures(result["entities"]["strict"]) == pytest.approx(figures(entity_scores(G, P)))
    assert result["events"]["realis"]["accuracy"] == realis_accuracy(G, P)["accuracy"]
    assert result["boilerplate"]["macro_f1"]["f1"] == pytest.approx(line_macro_f1(G, P))
    ev = coref_scores(G, P, "events")
    assert result["coreference"]["events"]["bcub"]["f1"] == pytest.approx(ev["bcub"]["f1"])
