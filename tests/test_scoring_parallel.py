"""score(n_jobs=...) gives the same result as one process (forked workers split the documents)."""

from __future__ import annotations

import copy
import importlib

from tarifftalks.corpus import load_documents
from tarifftalks.gold import read_gold_dir
from tarifftalks.scoring import score
from tarifftalks.scoring.predictions import gold_to_predictions

from .conftest import REPO


def test_parallel_scoring_equals_one_process(monkeypatch):
    # The package re-exports the function `score`, which hides the module of the same name.
    engine = importlib.import_module("tarifftalks.scoring.score")
    monkeypatch.setattr(engine, "PARALLEL_MIN_DOCS", 2)
    texts_by_doc = {d.doc_id: d.text for d in load_documents(REPO)}
    gold, preds, texts = {}, {}, {}
    for k, (doc_id, g) in enumerate(sorted(read_gold_dir(REPO / "annotation" / "gold").items())):
        for copy_no in range(3):  # 15 documents, each prediction damaged differently
            key = f"{doc_id}-{copy_no}"
            gold[key] = {**copy.deepcopy(g), "doc_id": key}
            p = gold_to_predictions(g)
            p["doc_id"] = key
            p["entities"] = p["entities"][copy_no + k :: 2]
            p["events"] = p["events"][: len(p["events"]) - copy_no]
            preds[key] = p
            texts[key] = texts_by_doc[doc_id]
    one = score(gold, preds, texts, n_resamples=50, n_jobs=1)
    many = score(gold, preds, texts, n_resamples=50, n_jobs=2)
    assert many == one
    assert 0 < one["entities"]["strict"]["f1"] < 1
