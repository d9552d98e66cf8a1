"""Hostile prediction files (issue 11, the prediction validator): values of the wrong JSON shape
anywhere, floods of bad lines, a JSON array instead of JSON Lines, deep nesting. Every one ends
as a clean refusal (exit 2, problems with line numbers, no traceback) or a clean result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarifftalks.cli import main
from tarifftalks.scoring.predictions import (
    SHOWN_PROBLEMS,
    json_array_problem,
    parse_predictions,
    validate_record,
)

from .test_scoring_columnar import GOOD, JSON, SLOTS, TEXT, _put

TEXTS = {"a": TEXT}

# any JSON value where an object, list, string or integer is expected
ANY = JSON | st.lists(JSON, max_size=3) | st.dictionaries(st.text(max_size=3), JSON, max_size=3)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SLOTS), ANY), min_size=1, max_size=3))
def test_any_value_in_any_slot_gives_problems_not_exceptions(changes):
    record: dict[str, Any] = GOOD
    for slot, value in changes:
        record = _put(record, slot, value)
    found = validate_record(record, TEXT)
    assert isinstance(found, list) and all(isinstance(p, str) for p in found)
    assert all(len(p) < 400 for p in found)  # values are shown cut short
    records, problems = parse_predictions([json.dumps(record)], TEXTS)
    assert bool(records) != bool(problems)


@settings(max_examples=200, deadline=None)
@given(ANY)
def test_any_json_value_as_a_whole_record(value):
    assert isinstance(validate_record(value, TEXT), list)
    records, problems = parse_predictions([json.dumps(value)], TEXTS)
    assert records == {} or records == {"a": value}


# --- through the command, in process ----------------------------------------------------------


@pytest.fixture()
def root(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TARIFFTALKS_ROOT", str(repo_copy))
    return repo_copy


def _score(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["score", "--split", "all", "--pred", str(path), "--bootstrap", "0", *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _tt000(**changes: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"doc_id": "tt-000", "entities": [{"start": 0, "end": 5, "type": "GPE"}]}
    rec.update(changes)
    return rec


ENT = {"start": 0, "end": 5, "type": "GPE"}
EVENT = {"trigger": {"start": 0, "end": 5}, "type": "Contact:Negotiate"}


@pytest.mark.parametrize(
    ("record", "needle"),
    [
        ({"doc_id": ["tt-000"]}, "doc_id missing or not a string (['tt-000'])"),
        (_tt000(entities=[{**ENT, "type": ["GPE"]}]), "unknown entity type ['GPE']"),
        (_tt000(entities=[{**ENT, "type": {"t": "GPE"}}]), "unknown entity type {'t': 'GPE'}"),
        (_tt000(entities=[{**ENT, "entity": ["c1"]}]), "entity must be a string or an integer"),
        (_tt000(lines=[{"start": 0, "end": 5, "label": ["body"]}]), "unknown line label"),
        (_tt000(events=[{**EVENT, "type": ["Contact:Negotiate"]}]), "unknown event type"),
        (_tt000(events=[{**EVENT, "realis": ["actual"]}]), "unknown realis ['actual']"),
        (_tt000(events=[{**EVENT, "cluster": {"id": 1}}]), "cluster must be a string or an"),
        (_tt000(events=[{**EVENT, "arguments": ["Japan"]}]), "got a string"),
        (
            _tt000(events=[{**EVENT, "arguments": [{**ENT, "role": {"r": 1}}]}]),
            "unknown role {'r': 1}",
        ),
        (_tt000(events=[{**EVENT, "arguments": "Japan"}]), "arguments: expected a list, got a"),
        (_tt000(entities={"start": 0}), "entities: expected a list, got an object"),
        (_tt000(events=[{**EVENT, "trigger": [0, 5]}]), "trigger: expected an object"),
    ],
)
def test_type_confusion_is_one_line_with_its_line_number(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], record: Any, needle: str
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("\n" + json.dumps(record) + "\n", encoding="utf-8")
    code, out, err = _score(path, capsys)
    assert code == 2 and out == ""
    rows = err.strip().splitlines()
    assert all(
        r.startswith(f"{path}:2: tt-") or r.startswith(f"{path}:2: doc_id") for r in rows[:-1]
    )
    assert any(needle in r for r in rows[:-1]), rows
    assert rows[-1].startswith("tarifftalks score: error: ")
    assert len(rows) <= 3


def test_a_flood_lists_the_first_problems_then_counts_the_rest(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.jsonl"
    n_bad = 5000
    path.write_text("{oops\n" * n_bad, encoding="utf-8")
    code, out, err = _score(path, capsys)
    assert code == 2 and out == ""
    rows = err.strip().splitlines()
    assert len(rows) == SHOWN_PROBLEMS + 2, rows[-3:]
    assert [r.split(":")[1] for r in rows[:SHOWN_PROBLEMS]] == [
        str(n) for n in range(1, SHOWN_PROBLEMS + 1)
    ]
    assert f"… and {n_bad - SHOWN_PROBLEMS} more problem(s)" in rows[-2]
    assert f"{n_bad} problem(s) in the predictions" in rows[-1]


def test_json_output_carries_every_problem(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("{oops\n" * 50 + json.dumps({"doc_id": "nope"}) + "\n", encoding="utf-8")
    code, out, err = _score(path, capsys, "--json")
    assert code == 2
    report = json.loads(out)
    assert [p["line"] for p in report["problems"]] == list(range(1, 52))
    assert "unknown doc_id 'nope'" in report["problems"][-1]["problem"]
    assert len(err.strip().splitlines()) == SHOWN_PROBLEMS + 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (json.dumps([{"doc_id": "tt-000"}, {"doc_id": "tt-001"}], indent=2), "array of 2 item"),
        (json.dumps([{"doc_id": "tt-000"}]), "array of 1 item"),
        ('[\n  {"doc_id": "tt-000"},\n  {"doc_id": \n', "starts like a JSON array"),
    ],
)
def test_a_json_array_is_named_in_one_line(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    path = tmp_path / "p.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = _score(path, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err and "not JSON Lines" in err


def test_jsonl_whose_first_line_is_a_list_is_not_called_an_array():
    assert json_array_problem('[1, 2]\n{"doc_id": "a"}\n') is None


def test_deep_nesting_is_a_problem_not_a_recursion_error(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "p.jsonl"
    path.write_text(deep + "\n" + '{"doc_id": "tt-000", "x": ' + deep + "}\n", encoding="utf-8")
    code, _, err = _score(path, capsys)
    assert code == 2
    assert f"{path}:1: not usable JSON (nested too deeply)" in err
    assert "RecursionError" not in err
    # as the whole file, too (starting with "[" it is first tried as one JSON array)
    path.write_text(deep, encoding="utf-8")
    code, _, err = _score(path, capsys)
    assert code == 2 and f"{path}:1: not usable JSON (nested too deeply)" in err


def test_a_bare_null_line_is_refused_not_a_crash(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyarrow 26's JSON reader crashes on a line holding `null`: the fast path never gives
    it one."""
    path = tmp_path / "p.jsonl"
    path.write_text('{"doc_id": "tt-000"}\nnull\n', encoding="utf-8")
    code, _, err = _score(path, capsys)
    assert code == 2 and f"{path}:2: expected a JSON object, got null" in err
