"""Cross-document event coreference (`coreference.events_cross_document`).

The official CoNLL-2012 cases (tests/test_scoring_coref.py) are lifted to several documents: every
mention becomes an event trigger in one of three documents, and a cluster id names its cluster
wherever its mentions are, so the expected fractions are the reference scorer's. A hand-computed
example checks that document-local ids ("<doc_id>/<slug>") stay inside their document. Every path
is checked: the reference functions, `score()`, the columnar engine, and a prediction file read by
fastread.
"""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from tarifftalks.scoring.columnar import Vocab, side_from_records
from tarifftalks.scoring.coref import (
    CROSS_DOCUMENT,
    cross_document_counts,
    cross_document_scores,
    is_document_local,
)
from tarifftalks.scoring.fastread import read_columns
from tarifftalks.scoring.score import score, score_columns, score_fast

from .test_scoring_coref import CASES, clusters, rp

DOCS = ("d0", "d1", "d2")
TEXTS = {d: "x" * 400 for d in DOCS}
METRICS = ("muc", "bcub", "ceafe", "lea")


def _mention(c: str) -> tuple[str, int, int]:
    """A letter's document and trigger span: letters go round the three documents."""
    n = ord(c)
    return DOCS[n % 3], 2 * n, 2 * n + 1


def lifted(spec: str, prefix: str) -> dict[str, dict]:
    """Records whose events are the letters of `spec`, cluster ids `<prefix><i>` across docs."""
    recs = {d: {"doc_id": d, "events": []} for d in DOCS}
    for i, cluster in enumerate(clusters(spec)):
        for c in cluster:
            doc, s, e = _mention(c)
            recs[doc]["events"].append(
                {
                    "trigger": {"start": s, "end": e},
                    "type": "Contact:Meet",
                    "cluster": f"{prefix}{i}",
                }
            )
    return recs


def _cross(result: dict) -> dict:
    return result["coreference"][CROSS_DOCUMENT]


@pytest.mark.parametrize("case", sorted(CASES))
def test_conll2012_cases_across_documents(case: str) -> None:
    key, response, expected = CASES[case]
    gold, pred = lifted(key, "k"), lifted(response, "r")
    spread = {d for d in DOCS if gold[d]["events"]}
    assert len(spread) > 1 or len(set(key.replace(" ", ""))) == 1  # really across documents
    got = cross_document_counts(gold, pred, exact=True)
    for i, metric in enumerate(METRICS):
        if metric in expected:
            assert rp(got[4 * i : 4 * i + 4]) == expected[metric], f"{case} {metric}"
    # the scorer's result, by both engines, equals the exact fractions
    exact = cross_document_scores(gold, pred, exact=True)
    for engine in (score, score_fast):
        res = _cross(engine(gold, pred, None, ["coreference"], n_resamples=0))
        for metric in (*METRICS, "conll"):
            assert res[metric]["f1"] == pytest.approx(float(exact[metric]["f1"])), (
                case,
                engine.__name__,
                metric,
            )


def hand_example() -> tuple[dict, dict]:
    """Gold: ev-1 = {a (d0), c (d1), e (d2)}; d0/x = {b}; d1/x = {d}.
    Predicted: p = {a, c}; d0/q = {b} (local to d0); "d0/q" in d1 names a split-wide event, not
    d0's local one, so {d} is its own cluster; e has the local d2/z: {e}."""

    def ev(start: int, cluster: str) -> dict:
        return {
            "trigger": {"start": start, "end": start + 1},
            "type": "Contact:Meet",
            "cluster": cluster,
        }

    gold = {
        "d0": {"doc_id": "d0", "events": [ev(0, "ev-1"), ev(10, "d0/x")]},
        "d1": {"doc_id": "d1", "events": [ev(0, "ev-1"), ev(10, "d1/x")]},
        "d2": {"doc_id": "d2", "events": [ev(0, "ev-1")]},
    }
    pred = {
        "d0": {"doc_id": "d0", "events": [ev(0, "p"), ev(10, "d0/q")]},
        "d1": {"doc_id": "d1", "events": [ev(0, "p"), ev(10, "d0/q")]},
        "d2": {"doc_id": "d2", "events": [ev(0, "d2/z")]},
    }
    return gold, pred


# K1 = {a,c,e}, K2 = {b}, K3 = {d}; R1 = {a,c}, R2 = {b}, R3 = {d}, R4 = {e}
HAND = {
    # MUC: recall (3 - 2) / (3 - 1); precision (2 - 1) / (2 - 1)
    "muc": {"r": F(1, 2), "p": F(1), "f1": F(2, 3)},
    # B³ recall: a, c 2/3 each, e 1/3, b, d 1 -> (11/3) / 5; precision: every mention 1
    "bcub": {"r": F(11, 15), "p": F(1), "f1": F(11, 13)},
    # CEAF-e: φ(K1,R1) = 4/5, φ(K2,R2) = φ(K3,R3) = 1 -> 14/5 over 3 key / 4 response clusters
    "ceafe": {"r": F(14, 15), "p": F(7, 10), "f1": F(4, 5)},
    # LEA recall: K1 3 · 1/3, K2 and K3 resolved singletons -> 3/5; precision: R1 2 · 1,
    # R2, R3 resolved singletons, R4 = {e} is no key singleton -> 4/5
    "lea": {"r": F(3, 5), "p": F(4, 5), "f1": F(24, 35)},
}


def test_hand_computed_fractions_with_local_ids() -> None:
    gold, pred = hand_example()
    got = cross_document_scores(gold, pred, exact=True)
    for metric, want in HAND.items():
        assert {k: got[metric][k] for k in ("p", "r", "f1")} == want, metric
    conll = (F(2, 3) + F(11, 13) + F(4, 5)) / 3
    assert got["conll"]["f1"] == conll
    # Within documents the same predictions are perfect: no cross-document link is scored there.
    res = score(gold, pred, None, ["coreference"], n_resamples=0)
    assert res["coreference"]["events"]["muc"]["f1"] == 0  # no within-document link in gold
    assert res["coreference"]["events"]["bcub"]["f1"] == 1
    for engine in (score, score_fast):
        cross = _cross(engine(gold, pred, None, ["coreference"], n_resamples=0))
        for metric, want in HAND.items():
            assert cross[metric]["f1"] == pytest.approx(float(want["f1"])), (engine, metric)
        assert cross["conll"]["f1"] == pytest.approx(float(conll))
        assert "ci" not in cross["conll"]  # clusters span documents: no document bootstrap


def test_prediction_file_through_fastread(tmp_path: Path) -> None:
    """The block reader (Arrow columns) gives the same figures as the records."""
    gold, pred = hand_example()
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(pred[d]) + "\n" for d in DOCS))
    ids = sorted(gold)
    vocab = Vocab()
    side, pred_ids = read_columns(path, TEXTS, ids, vocab)
    gside = side_from_records(list(enumerate(map(gold.get, ids))), len(ids), vocab, ids)
    res = score_columns(gside, side, vocab, ids, pred_ids, None, ["coreference"], n_resamples=0)
    for metric, want in HAND.items():
        assert _cross(res)[metric]["f1"] == pytest.approx(float(want["f1"])), metric


def test_document_local_ids() -> None:
    assert is_document_local("tt-000/any-deal", "tt-000")
    assert not is_document_local("tt-000/any-deal", "tt-001")
    assert not is_document_local("ev-round3-talks", "tt-000")
    assert not is_document_local("tt-000", "tt-000")  # no slash: a split-wide id
    assert not is_document_local(7, "tt-000")


def test_perfect_and_empty_predictions_on_the_real_gold() -> None:
    from tarifftalks.scoring.cli import load_split_gold
    from tarifftalks.scoring.predictions import gold_to_predictions

    gold, _ = load_split_gold("all")
    perfect = {i: gold_to_predictions(g) for i, g in gold.items()}
    res = _cross(score(gold, perfect, None, ["coreference"], n_resamples=0))
    assert all(res[m]["f1"] == pytest.approx(1.0) for m in (*METRICS, "conll"))
    # the gold really links documents: some registry id is shared by several documents
    owners: dict[str, set[str]] = {}
    for i, g in gold.items():
        for e in g["events"]:
            if not is_document_local(e["cluster"], i):
                owners.setdefault(e["cluster"], set()).add(i)
    assert any(len(v) > 1 for v in owners.values())
    # singletons everywhere: B³ precision 1, recall below 1; MUC 0
    singles = {
        i: {**p, "events": [{k: v for k, v in e.items() if k != "cluster"} for e in p["events"]]}
        for i, p in perfect.items()
    }
    res = _cross(score_fast(gold, singles, None, ["coreference"], n_resamples=0))
    assert res["muc"]["f1"] == 0 and res["bcub"]["p"] == 1 and res["bcub"]["r"] < 1


def _random_side(rng, docs: list[str], n_events: int, pool: list[str]) -> dict[str, dict]:
    recs: dict[str, dict] = {d: {"doc_id": d, "events": []} for d in docs}
    for _ in range(n_events):
        d = rng.choice(docs)
        s = rng.randrange(0, 30)
        kind = rng.random()
        if kind < 0.15:
            cluster = None
        elif kind < 0.45:
            cluster = f"{rng.choice(docs)}/{rng.randrange(3)}"  # local in its own doc only
        else:
            cluster = rng.choice(pool)
        ev = {"trigger": {"start": s, "end": s + 1}, "type": "Contact:Meet"}
        if cluster is not None:
            ev["cluster"] = cluster
        recs[d]["events"].append(ev)
    return recs


@pytest.mark.parametrize("seed", range(25))
def test_engines_agree_on_random_clusters(seed: int) -> None:
    """Reference (dicts), columnar (records) and fastread (a file) give the same figures on
    random clusters: shared, local, foreign-local and missing ids, repeated triggers."""
    import random

    rng = random.Random(seed)
    docs = [f"tt-{i:03d}" for i in range(rng.randrange(1, 6))]
    pool = [f"ev-{i}" for i in range(rng.randrange(1, 6))]
    gold = _random_side(rng, docs, rng.randrange(0, 40), pool)
    pred = _random_side(rng, docs, rng.randrange(0, 40), pool)
    ref = cross_document_scores(gold, pred, exact=True)
    fast = _cross(score_fast(gold, pred, None, ["coreference"], n_resamples=0))
    for metric in (*METRICS, "conll"):
        for k in ("p", "r", "f1") if metric != "conll" else ("f1",):
            assert fast[metric][k] == pytest.approx(float(ref[metric][k])), (metric, k)


@pytest.mark.parametrize("seed", range(5))
def test_all_local_ids_equal_the_pooled_within_document_scores(seed: int) -> None:
    """With every id document-local, no cluster crosses a document: the cross-document figures
    are the within-document ones."""
    import random

    rng = random.Random(seed)
    docs = [f"tt-{i:03d}" for i in range(4)]
    gold = _random_side(rng, docs, 40, ["a", "b"])
    pred = _random_side(rng, docs, 40, ["a", "c"])
    for side in (gold, pred):
        for d, rec in side.items():
            for ev in rec["events"]:
                if "cluster" in ev:
                    ev["cluster"] = f"{d}/{ev['cluster']}"
    res = score_fast(gold, pred, None, ["coreference"], n_resamples=0)["coreference"]
    for metric in (*METRICS, "conll"):
        assert res[CROSS_DOCUMENT][metric]["f1"] == pytest.approx(res["events"][metric]["f1"])


_RUN = """
import json, sys
from tarifftalks.scoring.coref import cross_document_scores
gold, pred = json.load(open(sys.argv[1]))
print(json.dumps(cross_document_scores(gold, pred), sort_keys=True))
"""


def test_figures_do_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Mentions and clusters are numbered before the metrics walk sets of them, so the float
    sums (and the printed figures, to the last digit) are the same whatever PYTHONHASHSEED."""
    import os
    import random
    import subprocess
    import sys

    rng = random.Random(7)
    docs = [f"tt-{i:03d}" for i in range(12)]
    pool = [f"ev-{i}" for i in range(8)]
    data = tmp_path / "sides.json"
    data.write_text(json.dumps([_random_side(rng, docs, 400, pool) for _ in range(2)]))
    outs = {
        subprocess.run(
            [sys.executable, "-c", _RUN, str(data)],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(outs) == 1, outs
