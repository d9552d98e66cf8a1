"""One test per validator rule (docs/DESIGN.md §4.4), each feeding a broken gold record, plus the
fixture
document that carries every layer end to end."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from tarifftalks.corpus import Document, sha256_text
from tarifftalks.gold import canonicalize, dumps_gold
from tarifftalks.text import iter_lines
from tarifftalks.validate import validate_gold

TEXT = (
    "Japan’s envoy to visit US\n"
    "By A. Writer\n"
    "TOKYO – Ryosei Akazawa will travel to Washington on May 30 for talks with U.S. officials.\n"
    "He urged the removal of the 25% auto tariff.\n"
    "Unrelated headline about something else\n"
)
DOC = Document(
    doc_id="tt-fix",
    file="fixture.txt",
    sha256=sha256_text(TEXT),
    outlet=None,
    title="Japan’s envoy to visit US",
    published="2025-05-23",
    published_basis="inferred",
    published_reason="fixture",
    story_id="fixture",
    near_duplicate_of=None,
    text=TEXT,
)
KB = {
    "akazawa-ryosei": {"id": "akazawa-ryosei"},
    "japan": {"id": "japan"},
    "united-states": {"id": "united-states"},
    "washington": {"id": "washington"},
}


def _span(text: str, needle: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def fixture_gold() -> dict:
    labels = ["title", "byline", "body", "body", "related"]
    lines = [
        {"start": s.start, "end": s.end, "label": lab}
        for s, lab in zip(iter_lines(TEXT), labels, strict=True)
    ]

    def ent(mid, needle, etype, level=None, entity=None, kb=None, timex=None, nth=0):
        return {
            "id": mid,
            **_span(TEXT, needle, nth),
            "type": etype,
            "level": level,
            "entity": entity,
            "kb": kb,
            "timex": timex,
        }

    entities = [
        ent("m1", "Japan", "GPE", "NAM", "japan", "japan"),
        ent("m2", "Ryosei Akazawa", "PER", "NAM", "akazawa", "akazawa-ryosei"),
        ent("m3", "Washington", "GPE", "NAM", "wash", "washington"),
        ent("m4", "May 30", "DATE", timex="2025-05-30"),
        ent("m5", "U.S.", "GPE", "NAM", "us", "united-states"),
        ent("m6", "officials", "PER", "NOM"),
        ent("m7", "He", "PER", "PRO", "akazawa", "akazawa-ryosei"),
        ent("m8", "25%", "PERCENT"),
        ent("m9", "auto", "COMMODITY"),
    ]
    events = [
        {
            "id": "e1",
            "type": "Movement:Transport",
            "realis": "planned",
            "trigger": _span(TEXT, "travel"),
            "cluster": "ev-round4-trip",
            "arguments": [
                {"mention": "m2", "role": "Traveler"},
                {"mention": "m3", "role": "Destination"},
                {"mention": "m4", "role": "Time"},
            ],
        },
        {
            "id": "e2",
            "type": "Contact:Negotiate",
            "realis": "planned",
            "trigger": _span(TEXT, "talks"),
            "cluster": "ev-round4-talks",
            "arguments": [{"mention": "m6", "role": "Participant"}],
        },
        {
            "id": "e3",
            "type": "Contact:Demand",
            "realis": "actual",
            "trigger": _span(TEXT, "urged"),
            "cluster": None,
            "arguments": [{"mention": "m7", "role": "Demander"}],
        },
        {
            "id": "e4",
            "type": "Trade:Remove-Tariff",
            "realis": "hypothetical",
            "trigger": _span(TEXT, "removal"),
            "cluster": None,
            "arguments": [{"mention": "m8", "role": "Rate"}, {"mention": "m9", "role": "Goods"}],
        },
    ]
    return {
        "doc_id": DOC.doc_id,
        "file": DOC.file,
        "sha256": DOC.sha256,
        "lines": lines,
        "entities": entities,
        "events": events,
        "notes": [{"about": "e4", "text": "fixture note"}],
    }


def problems(gold: dict) -> list[str]:
    return validate_gold(gold, DOC, KB, "fixture.json")


def test_fixture_with_every_layer_is_valid_and_canonical_form_round_trips():
    gold = fixture_gold()
    assert problems(gold) == []
    canon = canonicalize(gold)
    assert problems(canon) == []
    assert [m["id"] for m in canon["entities"]] == [f"T{i}" for i in range(1, 10)]
    assert canon["events"][2]["arguments"][0] == {"mention": "T7", "role": "Demander"}
    assert canon["notes"] == [{"about": "V4", "text": "fixture note"}]
    assert dumps_gold(json.loads(dumps_gold(gold))) == dumps_gold(gold)


def broken(mutate) -> list[str]:
    gold = copy.deepcopy(fixture_gold())
    mutate(gold)
    return problems(gold)


def test_rule_hash():
    out = broken(lambda g: g.update(sha256="0" * 64))
    assert len(out) == 1 and "text hash mismatch" in out[0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda g: g["lines"][0].update(label="headline"), "unknown line label 'headline'"),
        (lambda g: g["entities"][0].update(type="COUNTRY"), "unknown entity type 'COUNTRY'"),
        (lambda g: g["events"][0].update(type="Travel"), "unknown event type 'Travel'"),
        (lambda g: g["events"][0].update(realis="maybe"), "unknown realis 'maybe'"),
        (lambda g: g["events"][0]["arguments"][0].update(role="Driver"), "unknown role 'Driver'"),
        (
            lambda g: g["events"][0]["arguments"][0].update(role="Participant"),
            "role Participant is not allowed for Movement:Transport",
        ),
        (
            lambda g: g["events"][0]["arguments"][2].update(mention="m2"),
            "role Time cannot be filled by a PER mention",
        ),
    ],
)
def test_rule_schema(mutate, message):
    assert any(message in p for p in broken(mutate))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda g: g["events"][0].update(type=["Travel"]), "events[0].type: expected a string"),
        (lambda g: g["events"][0].update(arguments="m2"), "events[0].arguments: expected a list"),
        (lambda g: g["entities"][0].update(id=["m1"]), "entities[0].id: expected a string"),
        (lambda g: g.update(notes=["note"]), "notes[0]: expected an object, got a string"),
        (lambda g: g["lines"][0].pop("label"), "lines[0]: missing label"),
    ],
)
def test_rule_shape_comes_first(mutate, message):
    out = broken(mutate)  # only the shape problem: value rules wait until shapes are right
    assert len(out) == 1 and out[0].startswith(f"fixture.json: {message}")


def test_rule_bounds():
    out = broken(lambda g: g["entities"][-1].update(end=len(TEXT) + 5))
    assert any("outside the text" in p for p in out)


def test_rule_span_text():
    out = broken(lambda g: g["entities"][1].update(text="Ryosei Akazaw"))
    assert any("does not match the text" in p for p in out)


def test_rule_every_line_labelled():
    out = broken(lambda g: g["lines"].pop(3))
    assert any("has no label" in p and "He urged" in p for p in out)


def test_rule_line_spans_are_lines():
    out = broken(lambda g: g["lines"][0].update(end=g["lines"][0]["end"] - 1))
    assert any("is not a line of the text" in p for p in out)


def test_rule_content_only():
    def mutate(g):
        g["entities"].append(
            {
                "id": "m10",
                **_span(TEXT, "Unrelated"),
                "type": "ORG",
                "level": "NAM",
                "entity": None,
                "kb": None,
                "timex": None,
            }
        )

    assert any("not inside one content line" in p for p in broken(mutate))


def test_rule_overlap():
    def mutate(g):
        g["entities"].append(
            {
                "id": "m10",
                **_span(TEXT, "Akazawa"),
                "type": "PER",
                "level": "NAM",
                "entity": None,
                "kb": None,
                "timex": None,
            }
        )

    assert any("overlap" in p for p in broken(mutate))


def test_rule_arguments_point_somewhere():
    out = broken(lambda g: g["events"][1]["arguments"][0].update(mention="m99"))
    assert any("which is no entity mention" in p for p in out)


def test_rule_attributes():
    assert any(
        "takes no level" in p for p in broken(lambda g: g["entities"][3].update(level="NAM"))
    )
    assert any(
        "level None must be" in p for p in broken(lambda g: g["entities"][0].update(level=None))
    )
    assert any(
        "takes no timex" in p for p in broken(lambda g: g["entities"][0].update(timex="2025"))
    )
    assert any(
        "not a TIMEX3" in p for p in broken(lambda g: g["entities"][3].update(timex="May 30"))
    )
    assert any(
        "not in the knowledge base" in p
        for p in broken(lambda g: g["entities"][0].update(kb="nippon"))
    )


def test_problem_format_is_file_item_problem():
    out = broken(lambda g: g["entities"][0].update(type="COUNTRY"))
    assert out == ["fixture.json: entities[0] m1: unknown entity type 'COUNTRY'"]


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tarifftalks.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_cli_validate_reports_each_problem_and_exits_non_zero(repo_copy):
    path = repo_copy / "annotation" / "gold" / "tt-002.json"
    gold = json.loads(path.read_text())
    gold["lines"][0]["label"] = "banner"
    gold["lines"][1]["end"] = 10**6
    path.write_text(json.dumps(gold))
    res = _cli("validate", "--root", str(repo_copy))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    errs = [ln for ln in res.stderr.splitlines() if ln.startswith(str(path))]
    assert any("lines[0]: unknown line label 'banner'" in e for e in errs)
    assert any("lines[1]: offsets" in e and "outside the text" in e for e in errs)


def test_cli_validate_malformed_json_is_one_line(repo_copy):
    path = repo_copy / "annotation" / "gold" / "tt-001.json"
    path.write_text("{ oops")
    res = _cli("validate", "--root", str(repo_copy))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0
    assert "tt-001.json: malformed JSON" in res.stderr and "Traceback" not in res.stderr
