"""The type-and-stem reference for event coreference (baselines/coref.py)."""

from __future__ import annotations

from fractions import Fraction as F

from tarifftalks.baselines.coref import add_stem_clusters, stem
from tarifftalks.scoring.coref import cross_document_scores


def test_stem_joins_inflections() -> None:
    assert stem("talks") == stem("talk") == stem("Talks")
    assert stem("imposed") == stem("impose") == stem("imposes")
    assert stem("agreed") == stem("agree")
    assert stem("parties") == "party"
    assert stem("meeting") == stem("meet")
    assert stem("talk") != stem("trip")


def test_clusters_link_documents_by_type_and_stem() -> None:
    texts = {"a": "The talks ended.", "b": "Talk resumed. Trump imposed tariffs."}

    def ev(doc: str, word: str, etype: str) -> dict:
        s = texts[doc].index(word)
        return {"trigger": {"start": s, "end": s + len(word)}, "type": etype}

    recs = [
        {"doc_id": "a", "events": [ev("a", "talks", "Contact:Negotiate")]},
        {
            "doc_id": "b",
            "events": [
                ev("b", "Talk", "Contact:Negotiate"),
                ev("b", "imposed", "Trade:Impose-Tariff"),
            ],
        },
    ]
    add_stem_clusters(recs, texts)
    clusters = [e["cluster"] for r in recs for e in r["events"]]
    assert clusters == [
        "Contact:Negotiate|talk",
        "Contact:Negotiate|talk",
        "Trade:Impose-Tariff|impos",
    ]
    # Scored against gold that puts the two talks in one event and the tariff alone: perfect.
    gold = {
        "a": {"events": [{**recs[0]["events"][0], "cluster": "ev-talks"}]},
        "b": {
            "events": [
                {**recs[1]["events"][0], "cluster": "ev-talks"},
                {**recs[1]["events"][1], "cluster": "b/tariff"},
            ]
        },
    }
    pred = {r["doc_id"]: r for r in recs}
    assert cross_document_scores(gold, pred, exact=True)["conll"]["f1"] == F(1)
