"""Gold <-> Label Studio results, without a server."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from label_studio_sdk.label_interface import LabelInterface

from tarifftalks.corpus import load_documents
from tarifftalks.gold import dumps_gold, read_gold_dir, read_gold_file, read_kb
from tarifftalks.scoring.predictions import gold_to_predictions
from tarifftalks.studio.config import labeling_config
from tarifftalks.studio.convert import gold_to_results, prediction_to_gold, results_to_gold

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "studio"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fx():
    doc = load_documents(FIXTURE)[0]
    gold = read_gold_file(FIXTURE / "annotation" / "gold" / "tt-900.json")
    return doc, gold, read_kb(FIXTURE / "annotation" / "kb.jsonl")


def test_fixture_round_trip_is_byte_identical(fx):
    doc, gold, kb = fx
    result = gold_to_results(gold, doc.text)
    assert (
        LabelInterface(labeling_config()).validate_prediction(
            {"result": result}, return_errors=True
        )
        == []
    )
    back, problems = results_to_gold(result, doc, kb)
    assert problems == []
    assert dumps_gold(back) == (FIXTURE / "annotation" / "gold" / "tt-900.json").read_text("utf-8")


def test_fixture_exercises_every_layer(fx):
    _, gold, _ = fx
    ents = gold["entities"]
    assert {m["level"] for m in ents} >= {"NAM", "NOM", "PRO"}
    assert any(m["kb"] for m in ents) and any(m["timex"] for m in ents)
    assert any(len(e["arguments"]) > 2 for e in gold["events"])
    assert {n["about"] is None for n in gold["notes"]} == {True, False}
    assert len({e["cluster"] for e in gold["events"]}) < len(gold["events"])


def test_repository_gold_round_trips():
    docs = {d.doc_id: d for d in load_documents(REPO)}
    kb = read_kb(REPO / "annotation" / "kb.jsonl")
    for doc_id, gold in read_gold_dir(REPO / "annotation" / "gold").items():
        back, problems = results_to_gold(gold_to_results(gold, docs[doc_id].text), docs[doc_id], kb)
        assert problems == [], doc_id
        assert dumps_gold(back) == dumps_gold(gold)


def test_ids_from_the_ui_are_renumbered(fx):
    doc, gold, kb = fx
    result = copy.deepcopy(gold_to_results(gold, doc.text))
    for r in result:  # Label Studio's own region ids look like "aB3xY9_k"
        for key in ("id", "from_id", "to_id"):
            if key in r:
                r[key] = f"ls{r[key]}x"
    back, problems = results_to_gold(result, doc, kb)
    assert problems == [] and dumps_gold(back) == dumps_gold(gold)


def test_reversed_relation_and_block_line_label(fx):
    doc, gold, kb = fx
    result = copy.deepcopy(gold_to_results(gold, doc.text))
    for r in result:
        if r["type"] == "relation":
            r["from_id"], r["to_id"] = r["to_id"], r["from_id"]
    # one "related"+"artifact"-free block: relabel the last two lines with one region
    lines = [r for r in result if r.get("from_name") == "line"]
    a, b = lines[-2], lines[-1]
    result = [r for r in result if r not in (a, b)]
    start, end = a["value"]["start"], b["value"]["end"]
    result.append(
        {
            "id": "blk",
            "from_name": "line",
            "to_name": "text",
            "type": "labels",
            "value": {
                "start": start,
                "end": end,
                "text": doc.text[start:end],
                "labels": ["related"],
            },
        }
    )
    back, problems = results_to_gold(result, doc, kb)
    assert problems == []
    assert [ln["label"] for ln in back["lines"]][-2:] == ["related", "related"]
    assert back["events"] == gold["events"]


def test_hidden_attributes_are_dropped(fx):
    doc, gold, kb = fx
    result = copy.deepcopy(gold_to_results(gold, doc.text))
    ent = next(
        r for r in result if r.get("from_name") == "entity" and r["value"]["labels"] == ["PER"]
    )
    result.append(
        {
            **copy.deepcopy(ent),
            "from_name": "timex",
            "type": "textarea",
            "value": {"start": ent["value"]["start"], "end": ent["value"]["end"], "text": ["2025"]},
        }
    )
    back, problems = results_to_gold(result, doc, kb)
    assert problems == [] and dumps_gold(back) == dumps_gold(gold)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda r, n: r["value"].update(labels=["SPACESHIP"]), "unknown label 'SPACESHIP'"),
        (lambda r, n: r["value"].update(end=n + 3), "outside the text"),
        (lambda r, n: r["value"].update(text="nope"), "does not match the text"),
        (lambda r, n: r["value"].update(labels=["PER", "ORG"]), "exactly one label"),
    ],
)
def test_bad_regions_are_refused(fx, mutate, expected):
    doc, gold, kb = fx
    result = copy.deepcopy(gold_to_results(gold, doc.text))
    mutate(next(r for r in result if r.get("from_name") == "entity"), len(doc.text))
    back, problems = results_to_gold(result, doc, kb)
    assert back is None and any(expected in p for p in problems)


def test_missing_realis_is_refused(fx):
    doc, gold, kb = fx
    result = [r for r in gold_to_results(gold, doc.text) if r.get("from_name") != "realis"]
    back, problems = results_to_gold(result, doc, kb)
    assert back is None and any("realis not chosen" in p for p in problems)


def test_schema_rules_apply(fx):
    doc, gold, kb = fx
    result = copy.deepcopy(gold_to_results(gold, doc.text))
    rel = next(r for r in result if r["type"] == "relation")
    rel["labels"] = ["Investor"]
    back, problems = results_to_gold(result, doc, kb)
    assert back is None and any("role Investor is not allowed for" in p for p in problems)


def test_scorer_predictions_become_pre_annotations(fx):
    doc, gold, _ = fx
    pred = gold_to_predictions(gold)
    pred.pop("lines")
    for e in pred["events"]:
        # One argument per event on a span that is no entity: it cannot become a relation.
        e["arguments"].append({"start": 0, "end": 1, "role": "Time"})
    g, dropped = prediction_to_gold(pred, doc)
    assert dropped == len(gold["events"])
    assert [len(e["arguments"]) for e in g["events"]] == [
        len(e["arguments"]) for e in gold["events"]
    ]
    result = gold_to_results(g, doc.text)
    assert (
        LabelInterface(labeling_config()).validate_prediction(
            {"result": result}, return_errors=True
        )
        == []
    )
