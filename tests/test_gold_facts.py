"""Facts a reader can check against the texts, asserted on the built dataset (load_dataset).

Each fact is decided by a rule of annotation/GUIDELINES.md: a named person with its KB id, a
relative date with its TIMEX value resolved against the publication date, an event with its
arguments and realis, and one event reported by several documents sharing a cluster id.
"""

from __future__ import annotations

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    import os

    home = tmp_path_factory.mktemp("hf")
    old = {k: os.environ.get(k) for k in ("HF_HOME", "HF_DATASETS_OFFLINE")}
    os.environ.update(HF_HOME=str(home), HF_DATASETS_OFFLINE="1")
    try:
        from datasets import concatenate_datasets, load_dataset

        ds = load_dataset(str(REPO / "dataset"), "events")
        rows = concatenate_datasets([ds[s] for s in ds])
        feats = rows.features
        out = {}
        for r in rows:
            for m in r["entity_mentions"]:
                m["type"] = feats["entity_mentions"].feature["type"].int2str(m["type"])
            ev_feat = feats["event_mentions"].feature
            for e in r["event_mentions"]:
                e["type"] = ev_feat["type"].int2str(e["type"])
                e["realis"] = ev_feat["realis"].int2str(e["realis"])
                for a in e["arguments"]:
                    a["role"] = ev_feat["arguments"].feature["role"].int2str(a["role"])
            out[r["doc_id"]] = r
        return out
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def mentions(doc, text):
    return [m for m in doc["entity_mentions"] if m["text"] == text]


def test_every_document_has_entities_and_events(events):
    assert sorted(events) == ["tt-000", "tt-001", "tt-002", "tt-003", "tt-004"]
    assert sum(len(d["entity_mentions"]) for d in events.values()) >= 250
    assert sum(len(d["event_mentions"]) for d in events.values()) >= 80
    for d in events.values():
        assert d["entity_mentions"] and d["event_mentions"], d["doc_id"]


def test_a_person_with_level_and_kb_id(events):
    (m,) = [m for m in mentions(events["tt-001"], "Ryosei Akazawa")]
    assert (m["type"], m["level"], m["kb"]) == ("PER", "NAM", "akazawa-ryosei")
    # "Akazawa" later in the same article corefers with the full name.
    later = mentions(events["tt-001"], "Akazawa")
    assert later and all(x["entity"] == m["entity"] for x in later)


def test_relative_dates_resolved_against_publication(events):
    # tt-001 is dated Friday 2025-05-23: "said on Friday" is that day, "next week" ISO week 22.
    fridays = mentions(events["tt-001"], "Friday")
    assert fridays and {m["timex"] for m in fridays} == {"2025-05-23"}
    assert {m["timex"] for m in mentions(events["tt-001"], "next week")} == {"2025-W22"}
    (may30,) = mentions(events["tt-000"], "May 30")
    assert (may30["type"], may30["timex"]) == ("DATE", "2025-05-30")


def test_the_phone_call_event(events):
    doc = events["tt-001"]
    (call,) = [e for e in doc["event_mentions"] if e["trigger"]["text"] == "phone call"]
    assert (call["type"], call["realis"]) == ("Contact:Phone-Write", "actual")
    args = {(a["text"], a["role"]) for a in call["arguments"]}
    assert ("45-minute", "Duration") in args
    assert {"Ishiba", "Shigeru Ishiba", "Donald Trump"} & {t for t, r in args if r == "Participant"}


def test_no_resolution_is_a_negated_agreement(events):
    (ev,) = [e for e in events["tt-002"]["event_mentions"] if e["trigger"]["text"] == "resolution"]
    assert (ev["type"], ev["realis"]) == ("Trade:Agreement", "negated")


def test_second_round_is_one_cluster_across_three_documents(events):
    docs = {
        d
        for d, row in events.items()
        for e in row["event_mentions"]
        if e["cluster"] == "ev-round2-talks"
    }
    assert docs == {"tt-002", "tt-003", "tt-004"}
