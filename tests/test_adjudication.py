"""Disagreement listing and the log-vs-gold check, on the fixture document."""

from __future__ import annotations

from pathlib import Path

from tarifftalks.adjudication import check_log, disagreements, log_path, read_log
from tarifftalks.corpus import documents_by_id
from tarifftalks.gold import read_gold_dir

from .conftest import REPO
from .test_agreement import _pass_b
from .test_validate import TEXT, fixture_gold


def test_disagreements_list_each_differing_item():
    diffs = disagreements(fixture_gold(), _pass_b(), TEXT)
    assert [(d["layer"], d["text"]) for d in diffs] == [
        ("lines", "By A. Writer"),
        ("entities", "officials"),
        ("events", "travel"),
        ("events", "urged"),
    ]
    urged = diffs[-1]
    assert urged["b"] is None and urged["a"]["type"] == "Contact:Demand"


def test_log_must_cover_every_disagreement_and_match_the_gold():
    gold = fixture_gold()
    diffs = disagreements(gold, _pass_b(), TEXT)
    log = [{**d, "chosen": "a", "rule": "§2", "why": "x"} for d in diffs]
    assert check_log(gold, diffs, log, "log") == []
    log[0]["chosen"] = "b"  # gold keeps "byline", the log claims pass B's "body"
    assert check_log(gold, diffs, log, "log") == [
        "log: lines:26-38: gold has 'byline', the log chose 'body'"
    ]
    assert "not adjudicated" in check_log(gold, diffs, log[1:], "log")[0]
    log[0].update(chosen="other", gold="byline", rule="")
    assert "needs chosen (a/b/other) and rule" in check_log(gold, diffs, log, "log")[0]


PASSES = REPO / "annotation" / "passes"


def test_checked_in_gold_follows_every_logged_decision():
    docs = documents_by_id(REPO)
    a, b = read_gold_dir(PASSES / "a"), read_gold_dir(PASSES / "b")
    gold = read_gold_dir(REPO / "annotation" / "gold")
    problems = []
    for doc_id in sorted(a):
        diffs = disagreements(a[doc_id], b[doc_id], docs[doc_id].text)
        path: Path = log_path(doc_id, REPO)
        problems += check_log(gold[doc_id], diffs, read_log(path), path.name)
    assert problems == []


def test_review_rows_are_checked_against_the_gold_and_survive_a_skeleton():
    from tarifftalks.adjudication import check_log, skeleton_rows

    gold = fixture_gold()
    span = next(ln for ln in gold["lines"] if ln["label"] == "byline")
    key = [span["start"], span["end"]]
    review = {
        "id": f"review:lines:{key[0]}-{key[1]}",
        "layer": "lines",
        "key": key,
        "a": "byline",
        "b": "byline",
        "chosen": "other",
        "gold": "byline",
        "rule": "decision 73",
    }
    assert check_log(gold, [], [review], "log") == []
    assert len(check_log(gold, [], [{**review, "gold": "credit"}], "log")) == 1
    assert len(check_log(gold, [], [{**review, "rule": ""}], "log")) == 1
    assert skeleton_rows([], [review]) == [review]
