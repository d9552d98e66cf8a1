"""Realis: the guidelines' cue rules on invented sentences, the classifier they gate, and the
transfer they buy (trained on the real documents, scored on the authored ones)."""

from __future__ import annotations

import pytest

from tarifftalks.baselines.data import Doc, load_gold_docs
from tarifftalks.baselines.models import RealisClassifier, realis_by_cues, realis_counts
from tarifftalks.text import tokenize

from .conftest import REPO


def _doc(text: str, events: list[tuple[str, str]], doc_id: str = "d") -> Doc:
    """One sentence; each event's trigger is the first occurrence of its word."""
    toks = [(t.start, t.end) for t in tokenize(text)]
    evs = []
    for word, realis in events:
        s = text.index(word)
        evs.append(
            {
                "trigger": {"start": s, "end": s + len(word)},
                "type": "Trade:Agreement",
                "realis": realis,
                "arguments": [],
            }
        )
    line = [{"start": 0, "end": len(text), "label": "body"}]
    return Doc(doc_id, text, line, [(0, len(text), toks)], [], evs)


def _trig(doc: Doc, word: str) -> tuple[int, int, str]:
    s = doc.text.index(word)
    return s, s + len(word), "Trade:Agreement"


@pytest.mark.parametrize(
    ("text", "word", "realis"),
    [
        ("The two ministers signed the accord on Friday.", "signed", "actual"),
        ("The two ministers did not sign the accord.", "sign", "negated"),
        ("No accord was reached in Oslo.", "accord", "negated"),
        ("Lisbon failed to sign the accord.", "sign", "negated"),
        ("Farmers urged the minister to cut the duty.", "cut", "hypothetical"),
        ("Prices could rise if the accord is signed.", "signed", "hypothetical"),
        ("The envoy will sign the accord in Quito.", "sign", "planned"),
        ("Both sides expect an accord by June.", "accord", "planned"),
        ("Talks next week may follow.", "Talks", "planned"),
        # A cue beyond the clause (after a semicolon) governs nothing.
        ("Officials will travel on Monday; the accord was signed.", "signed", "actual"),
        # Negation beats modality (guidelines §6.4).
        ("The ministry will not sign the accord.", "sign", "negated"),
    ],
)
def test_realis_cue_rules_on_invented_sentences(text, word, realis):
    doc = _doc(text, [])
    assert realis_by_cues(doc, _trig(doc, word)) == realis


def test_rules_keep_uncued_triggers_actual_whatever_the_training_prior():
    # Every training trigger is planned: the regression alone predicts planned everywhere.
    train = [
        _doc("The envoy will sign the accord.", [("sign", "planned")], "t1"),
        _doc("Ministers plan to meet in Lima.", [("meet", "planned")], "t2"),
        _doc("Ministers signed the accord.", [("signed", "planned")], "t3"),
        _doc("They expect a deal in May.", [("deal", "hypothetical")], "t4"),
    ]
    test = _doc("Delegates signed the pact on Friday.", [])
    trig = [_trig(test, "signed")]
    alone = RealisClassifier(c=1.0, groups=("cues", "etype", "trigger", "context")).fit(train)
    gated = RealisClassifier(c=1.0).fit(train)
    assert alone.predict_doc(test, trig) != ["actual"]
    assert gated.predict_doc(test, trig) == ["actual"]
    # Where a cue fires, the regression's non-actual value stands.
    cued = _doc("The envoy will sign the pact.", [])
    assert gated.predict_doc(cued, [_trig(cued, "sign")]) == ["planned"]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Doc], list[Doc]]:
    docs = load_gold_docs(REPO).values()
    real = [d for d in docs if d.split != "challenge"]
    authored = [d for d in docs if d.split == "challenge"]
    if not authored:
        pytest.skip("no challenge split in this checkout")
    return real, authored


def _majority_accuracy(train: list[Doc], test: list[Doc]) -> float:
    values = [e["realis"] for d in train for e in d.events]
    majority = max(sorted(set(values)), key=values.count)
    gold = [e["realis"] for d in test for e in d.events]
    return gold.count(majority) / len(gold)


def test_realis_beats_the_majority_on_occasions_never_trained_on(corpus):
    real, authored = corpus
    hits, n, _ = realis_counts(RealisClassifier(c=None), real, authored)
    assert n == sum(len(d.events) for d in authored) > 0
    assert hits / n > _majority_accuracy(real, authored)
