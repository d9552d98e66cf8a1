"""Any JSON shape where the pull validator or a state file expects an object, list, string or
int: one clean problem line (or a clean result), never an exception. No server here."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarifftalks.cli import main
from tarifftalks.corpus import load_documents
from tarifftalks.gold import read_gold_file, read_kb
from tarifftalks.studio import postgres, server
from tarifftalks.studio.convert import gold_to_results, results_to_gold
from tarifftalks.studio.pull import read_rounds

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "studio"
DOC = load_documents(FIXTURE)[0]
KB = read_kb(FIXTURE / "annotation" / "kb.jsonl")
RESULT = gold_to_results(read_gold_file(FIXTURE / "annotation" / "gold" / "tt-900.json"), DOC.text)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document (keys and list indices)."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _replace(obj: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    obj = copy.deepcopy(obj)
    cur = obj
    for step in path[:-1]:
        cur = cur[step]
    cur[path[-1]] = value
    return obj


def _check_result(result: Any) -> None:
    gold, problems = results_to_gold(result, DOC, KB)
    assert (gold is None) == bool(problems)
    assert all(isinstance(p, str) and "\n" not in p for p in problems)


@SETTINGS
@given(st.data(), json_values)
def test_results_any_value_anywhere(data, value):
    """One value of the fixture's (valid) result replaced by any JSON value."""
    path = data.draw(st.sampled_from(_paths(RESULT)))
    _check_result(_replace(RESULT, path, value))


@SETTINGS
@given(json_values)
def test_results_any_document(value):
    _check_result(value)
    _check_result([value])


def _task(result: Any, **over: Any) -> dict[str, Any]:
    task = {
        "id": 7,
        "data": {"text": DOC.text, "doc_id": DOC.doc_id, "sha256": DOC.sha256, "gold_sha256": None},
        "annotations": [{"id": 1, "completed_by": {"id": 3, "email": "x@y.z"}, "result": result}],
    }
    task.update(over)
    return task


@SETTINGS
@given(st.data(), json_values)
def test_export_any_value_anywhere(data, value):
    """The export as the pull reads it, with any value replaced by any JSON value."""
    export = [_task(RESULT)]
    path = data.draw(st.sampled_from(_paths(export)))
    bad = _replace(export, path, value)
    if not isinstance(bad, list):
        bad = [bad]
    rounds, problems, notices = read_rounds(bad, {DOC.doc_id: DOC}, KB, 1)
    assert all(isinstance(p, str) and "\n" not in p for p in problems + notices)
    assert set(rounds) <= {DOC.doc_id}


def test_export_valid_task_is_read():
    rounds, problems, _ = read_rounds([_task(RESULT)], {DOC.doc_id: DOC}, KB, 1)
    assert problems == [] and rounds[DOC.doc_id].versions[0].user == 3


@pytest.mark.parametrize(
    "task, expected",
    [
        (_task([{"from_name": ["entity"], "id": "x", "value": {}}]), "unknown control ['entity']"),
        (
            _task([{"from_name": "entity", "id": ["x"], "value": {"labels": ["GPE"]}}]),
            "region id ['x'] is not a string",
        ),
        (
            _task([{"from_name": "entity", "id": "x", "value": {"labels": [["GPE"]]}}]),
            "unknown label ['GPE']",
        ),
        (_task([{"type": "relation", "from_id": ["a"], "to_id": "b"}]), "not region ids"),
        (_task(RESULT, annotations=[{"id": 1, "result": RESULT}]), "no annotator id"),
        (_task(RESULT, data=["not", "an", "object"]), "data is not an object"),
    ],
)
def test_type_confusion_is_one_line(task, expected):
    _, problems, _ = read_rounds([task], {DOC.doc_id: DOC}, KB, 1)
    assert len(problems) == 1 and expected in problems[0], problems


def test_two_annotations_by_one_annotator_are_refused():
    task = _task(RESULT)
    task["annotations"].append({**task["annotations"][0], "id": 2})
    _, problems, _ = read_rounds([task], {DOC.doc_id: DOC}, KB, 2)
    assert len(problems) == 1 and "a second annotation by the same annotator" in problems[0]


def test_pass_a_is_the_lower_user_id_and_a_lone_annotation_waits():
    task = _task(RESULT)
    task["annotations"] = [
        {"id": 5, "completed_by": {"id": 9, "email": "b@x.y"}, "result": RESULT},
        {"id": 6, "completed_by": 4, "result": RESULT},
    ]
    rounds, problems, _ = read_rounds([task], {DOC.doc_id: DOC}, KB, 2)
    assert problems == [] and [v.user for v in rounds[DOC.doc_id].versions] == [4, 9]
    _, _, notices = read_rounds([_task(RESULT)], {DOC.doc_id: DOC}, KB, 2)
    assert notices == [f"task 7 ({DOC.doc_id}): 1 of 2 annotations; waits for the rest"]


# --- state files --------------------------------------------------------------------------------

CORRUPT = ["[1, 2]", '{"pid": "12x", "port": 1, "url": "u", "data_dir": "d"}', "{}", "nul", '"s"']


@pytest.mark.parametrize("text", CORRUPT)
def test_corrupt_server_json_blocks_neither_down_nor_status(tmp_path, monkeypatch, capsys, text):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    sdir = server.state_dir(tmp_path)
    sdir.mkdir()
    for name in ("server.json", "admin.json", "postgres.json"):
        (sdir / name).write_text(text, encoding="utf-8")
    assert server.read_state(tmp_path) is None and postgres.read_state(sdir) is None
    assert main(["studio", "status", "--root", str(tmp_path)]) == 3
    assert main(["studio", "down", "--root", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "stopped" in out
    assert not (sdir / "server.json").exists() and not (sdir / "postgres.json").exists()


@pytest.mark.parametrize("text", CORRUPT)
def test_corrupt_admin_json_is_one_line_on_up(tmp_path, monkeypatch, capsys, text):
    sdir = server.state_dir(tmp_path)
    sdir.mkdir()
    (sdir / "admin.json").write_text(text, encoding="utf-8")
    exe = tmp_path / "label-studio"
    exe.write_text("#!/bin/sh\nexit 1\n")
    exe.chmod(0o755)
    monkeypatch.setenv("TARIFFTALKS_LABEL_STUDIO", str(exe))
    port = str(server.free_port())
    assert main(["studio", "up", "--root", str(tmp_path), "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "admin.json" in err and "delete it" in err


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http"])
def test_port_outside_range_refused_by_the_parser(tmp_path, capsys, port):
    with pytest.raises(SystemExit) as exc:
        main(["studio", "up", "--root", str(tmp_path), "--port", port])
    assert exc.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_os_error_is_one_line_naming_the_path(tmp_path, capsys):
    """`studio config` into an annotation/ that is a file: the OS error names the path."""
    (tmp_path / "annotation").write_text("not a folder", encoding="utf-8")
    assert main(["studio", "config", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path / "annotation") in err
    assert "Traceback" not in err


def test_pull_flags_need_accept(tmp_path, capsys):
    assert main(["studio", "pull", "--root", str(tmp_path), "--keep-local"]) == 2
    assert "decide what --accept writes" in capsys.readouterr().err


def test_server_json_with_json_shape_is_read(tmp_path):
    sdir = server.state_dir(tmp_path)
    sdir.mkdir()
    state = {"pid": 99999999, "port": 1, "url": "http://127.0.0.1:1", "data_dir": "d"}
    (sdir / "server.json").write_text(json.dumps(state), encoding="utf-8")
    assert server.read_state(tmp_path)["database"] == "sqlite"
    assert server.running(tmp_path) is None
