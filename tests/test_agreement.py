"""Agreement figures on a hand-computed case, and the card's figures recomputed from the passes."""

from __future__ import annotations

import copy
import subprocess
import sys
from fractions import Fraction

import pytest

from tarifftalks.agreement import agreement, agreement_markdown, read_passes
from tarifftalks.corpus import load_documents

from .conftest import REPO
from .test_validate import fixture_gold


def _pass_b() -> dict:
    g = copy.deepcopy(fixture_gold())
    g["lines"][1]["label"] = "body"  # byline -> body
    next(m for m in g["entities"] if m["id"] == "m6")["type"] = "ORG"  # officials PER -> ORG
    g["events"] = [e for e in g["events"] if e["id"] != "e3"]  # drop "urged"
    g["events"][0]["realis"] = "actual"  # travel: planned -> actual
    return g


def test_hand_computed_agreement():
    a = {"tt-fix": fixture_gold()}
    b = {"tt-fix": _pass_b()}
    r = agreement(a, b)
    # Lines A = [title, byline, body, body, related], B = [title, body, body, body, related]:
    # p_o = 4/5, p_e = (1*1 + 1*0 + 2*3 + 1*1)/25 = 8/25, kappa = (4/5 - 8/25)/(1 - 8/25) = 12/17.
    assert r["boilerplate"]["kappa"] == pytest.approx(12 / 17)
    assert (r["boilerplate"]["same"], r["boilerplate"]["n_lines"]) == (4, 5)
    # 9 mentions each, one type differs: strict 8/9, span-only 9/9.
    assert r["entities"]["strict"]["f1"] == pytest.approx(8 / 9)
    assert r["entities"]["boundary"]["f1"] == 1.0
    # Triggers: 3 of A's 4 in B: P = 1, R = 3/4, F1 = 6/7. Arguments 6 of 7: F1 = 12/13.
    assert r["events"]["trigger_c"]["f1"] == pytest.approx(float(Fraction(6, 7)))
    assert r["events"]["arg_c"]["f1"] == pytest.approx(float(Fraction(12, 13)))
    # Realis: 2 of the 3 matched events agree.
    assert (r["events"]["realis"]["correct"], r["events"]["realis"]["n"]) == (2, 3)
    # KB ids on the 8 strictly matched mentions: Japan, Akazawa, Washington, U.S., He carry one.
    assert (r["entities"]["kb"]["same"], r["entities"]["kb"]["n"]) == (5, 5)


def test_identical_passes_agree_perfectly():
    a = {"tt-fix": fixture_gold()}
    r = agreement(a, copy.deepcopy(a))
    assert r["boilerplate"]["kappa"] == 1.0
    assert r["entities"]["strict"]["f1"] == 1.0
    assert r["events"]["arg_c"]["f1"] == 1.0


PASSES = REPO / "annotation" / "passes"


def test_both_passes_present_for_every_annotated_document():
    """Every document with gold has a record in pass a and in pass b (and nothing else does)."""
    gold = sorted(p.stem for p in (REPO / "annotation" / "gold").glob("tt-*.json"))
    assert gold, "no gold documents"
    for p in ("a", "b"):
        assert sorted(f.stem for f in (PASSES / p).glob("tt-*.json")) == gold, p


def test_both_passes_cover_every_document_and_validate():
    a, b = read_passes(REPO)
    docs = load_documents(REPO)
    # Both passes cover the real and the authored (challenge) documents alike.
    assert sorted(a) == sorted(b) == sorted(d.doc_id for d in docs)
    assert {d.authored for d in docs} == {False, True}
    pilot = REPO / "annotation" / "pilot"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "tarifftalks.cli",
            "validate",
            "--root",
            str(REPO),
            "--gold",
            str(PASSES / "a"),
            "--gold",
            str(PASSES / "b"),
            "--gold",
            str(pilot / "a"),
            "--gold",
            str(pilot / "b"),
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr[-3000:]


def test_card_agreement_equals_a_recomputation():
    card = (REPO / "dataset" / "README.md").read_text()
    assert agreement_markdown(REPO) in card


def test_layer_figures_are_the_hand_computed_fractions():
    from tarifftalks.agreement import comparison_markdown, layer_figures

    f = layer_figures({"tt-fix": fixture_gold()}, {"tt-fix": _pass_b()})
    assert f["boilerplate kappa"] == pytest.approx(12 / 17)
    assert f["entities strict F1"] == pytest.approx(8 / 9)
    assert f["trigger-C F1"] == pytest.approx(6 / 7)
    assert f["arg-C F1"] == pytest.approx(12 / 13)
    table = {"real": {"documents": {"n": 1.0}, "A vs B": f, "A vs gold": f, "B vs gold": f}}
    md = comparison_markdown(table)
    assert "real (1 docs): A vs gold" in md and f"{12 / 17:.3f}" in md
