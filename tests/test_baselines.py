"""Baselines: the estimator pieces on small hand-made cases, and a real end-to-end run."""

from __future__ import annotations

import json
import shutil

import pytest

from tarifftalks.baselines.data import Doc
from tarifftalks.baselines.models import (
    LexiconTagger,
    MajorityLines,
    SpanTagger,
    bio_labels,
    bio_spans,
)
from tarifftalks.baselines.run import SYSTEMS
from tarifftalks.text import tokenize

from .conftest import REPO


def _doc(text: str, entities: list[tuple[str, str]]) -> Doc:
    toks = [(t.start, t.end) for t in tokenize(text)]
    ents = []
    for i, (needle, etype) in enumerate(entities):
        s = text.index(needle)
        ents.append({"id": f"m{i}", "start": s, "end": s + len(needle), "type": etype})
    return Doc(
        "d",
        text,
        [{"start": 0, "end": len(text), "label": "body"}],
        [(0, len(text), toks)],
        ents,
        [],
    )


def test_bio_round_trip_and_repair():
    toks = [(0, 5), (6, 11), (12, 16), (17, 20)]
    spans = [(0, 11, "PER"), (17, 20, "GPE")]
    tags = bio_labels(toks, spans)
    assert tags == ["B-PER", "I-PER", "O", "B-GPE"]
    assert bio_spans(toks, tags) == spans
    # An I- tag after O or after another type starts a new span (seqeval's lenient reading).
    assert bio_spans(toks, ["I-PER", "I-GPE", "O", "I-GPE"]) == [
        (0, 5, "PER"),
        (6, 11, "GPE"),
        (17, 20, "GPE"),
    ]


def test_span_tagger_fits_its_training_data():
    doc = _doc(
        "Akazawa met Bessent in Washington on May 1 .",
        [("Akazawa", "PER"), ("Bessent", "PER"), ("Washington", "GPE"), ("May 1", "DATE")],
    )
    pred = SpanTagger("entities").fit([doc]).predict([doc])[0]
    gold = [(m["start"], m["end"], m["type"]) for m in doc.entities]
    assert set(pred) == set(gold)


def test_lexicon_tagger_prefers_longest_match_on_token_boundaries():
    train = _doc("Ryosei Akazawa met Akazawa .", [("Ryosei Akazawa", "PER")])
    test = _doc("Ryosei Akazawa and Akazawas .", [])
    pred = LexiconTagger("entities").fit([train]).predict([test])[0]
    assert pred == [(0, 14, "PER")]


def test_majority_lines_breaks_ties_by_name():
    doc = _doc("x", [])
    doc.lines = [
        {"start": 0, "end": 1, "label": "related"},
        {"start": 0, "end": 1, "label": "body"},
    ]
    assert MajorityLines().fit([doc]).predict([doc]) == [["body", "body"]]


@pytest.mark.usefixtures("hf_offline")
def test_baselines_end_to_end_match_the_checked_in_leaderboard(tmp_path, monkeypatch):
    """A fresh build + baselines run in a temporary checkout reproduces baselines/ byte for byte
    (determinism, and the committed leaderboard is not stale)."""
    from tarifftalks.baselines.run import run_baselines
    from tarifftalks.release import build_dataset

    root = tmp_path / "repo"
    for name in ("seeds", "annotation"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "DATASET_CARD.md", root)
    monkeypatch.setenv("TARIFFTALKS_ROOT", str(root))
    build_dataset(root, log=lambda *a: None)
    first = run_baselines(root, log=lambda *a: None)
    for rel in ("results.json", "README.md", *(f"predictions/{s}.test.jsonl" for s in SYSTEMS)):
        fresh, committed = root / "baselines" / rel, REPO / "baselines" / rel
        assert fresh.read_bytes() == committed.read_bytes(), f"baselines/{rel} is stale"
    test = first["protocols"]["test"]
    assert set(test) == set(SYSTEMS)
    # The learned line classifier beats the majority reference on the held-out story.
    acc = {s: test[s]["boilerplate"]["accuracy"]["accuracy"] for s in ("majority", "sklearn")}
    assert acc["sklearn"] > acc["majority"]
    preds = (root / "baselines" / "predictions" / "sklearn.test.jsonl").read_text().splitlines()
    assert sorted(json.loads(p)["doc_id"] for p in preds) == ["tt-000", "tt-001"]
