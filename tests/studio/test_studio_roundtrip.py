"""The loop on a live server: push -> annotate (accepting pre-annotations) -> pull."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tarifftalks.gold import dumps_gold, read_gold_file
from tarifftalks.scoring.predictions import gold_to_predictions

from .conftest import FIXTURE, REPO, accept_predictions, project_id, run, tasks_of

pytestmark = pytest.mark.studio


def _gold_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def test_round_trip_fixture_is_byte_identical(team_env, client, fixture_root, capsys):
    gold_dir = fixture_root / "annotation" / "gold"
    expected = _gold_bytes(gold_dir)
    assert expected, "the fixture holds gold"
    code, out, err = run(
        capsys, "studio", "push", "--root", str(fixture_root), "--project", "round-trip"
    )
    assert code == 0, err
    pid = project_id(client, "round-trip")
    accept_predictions(client, pid)

    for p in gold_dir.glob("*.json"):
        p.unlink()
    code, out, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", "round-trip"
    )
    assert code == 0, err
    assert "+++ b/annotation/gold/tt-900.json" in out
    assert "--accept" in err
    assert _gold_bytes(gold_dir) == {}, "nothing is written without --accept"

    code, out, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", "round-trip", "--accept"
    )
    assert code == 0, err
    assert _gold_bytes(gold_dir) == expected
    # and the canonical form is what any producer writes
    for name, data in expected.items():
        assert dumps_gold(read_gold_file(gold_dir / name)).encode() == data

    code, out, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", "round-trip"
    )
    assert code == 0 and out == "" and "1 unchanged" in err


def test_round_trip_repository_gold(team_env, client, tmp_path, capsys):
    """Whatever annotation/gold/ holds today comes back byte for byte."""
    if not list((REPO / "annotation" / "gold").glob("*.json")):
        pytest.skip("annotation/gold is empty")
    root = tmp_path / "repo"
    for name in ("seeds", "annotation"):
        shutil.copytree(REPO / name, root / name)
    gold_dir = root / "annotation" / "gold"
    expected = _gold_bytes(gold_dir)
    code, _, err = run(capsys, "studio", "push", "--root", str(root), "--project", "rt-repo")
    assert code == 0, err
    accept_predictions(client, project_id(client, "rt-repo"))
    shutil.rmtree(gold_dir)
    gold_dir.mkdir()
    code, _, err = run(
        capsys, "studio", "pull", "--root", str(root), "--project", "rt-repo", "--accept"
    )
    assert code == 0, err
    assert _gold_bytes(gold_dir) == expected


def test_push_is_idempotent_and_updates_predictions(team_env, client, fixture_root, capsys):
    args = ("studio", "push", "--root", str(fixture_root), "--project", "idem", "--quiet")
    assert run(capsys, *args)[0] == 0
    pid = project_id(client, "idem")
    first = tasks_of(client, pid)
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "0 task(s) added, 1 already there" in out
    assert "0 added, 0 updated" in out
    second = tasks_of(client, pid)
    assert [t.id for t in second] == [t.id for t in first]
    assert len(second[0].predictions) == 1

    # a changed gold updates the prediction in place, still without a new task
    path = fixture_root / "annotation" / "gold" / "tt-900.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold["events"] = []
    path.write_text(dumps_gold(gold), encoding="utf-8")
    code, out, _ = run(capsys, *args)
    assert code == 0 and "0 task(s) added" in out and "0 added, 1 updated" in out
    third = tasks_of(client, pid)
    assert len(third) == 1 and len(third[0].predictions) == 1


def test_push_predictions_file(team_env, client, fixture_root, tmp_path, capsys):
    """Pre-annotations from a file in the scorer's format carry its model_version."""
    gold = read_gold_file(FIXTURE / "annotation" / "gold" / "tt-900.json")
    pred = gold_to_predictions(gold)
    path = tmp_path / "preds.jsonl"
    path.write_text(json.dumps(pred) + "\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "studio",
        "push",
        "--root",
        str(fixture_root),
        "--project",
        "preds",
        "--predictions",
        str(path),
        "--model-version",
        "baseline-1",
    )
    assert code == 0, err
    task = tasks_of(client, project_id(client, "preds"))[0]
    p = task.predictions[0]
    p = p if isinstance(p, dict) else p.dict()
    assert p["model_version"] == "baseline-1"
    kinds = {r.get("from_name") for r in p["result"]} | {r["type"] for r in p["result"]}
    assert {"line", "entity", "trigger", "relation"} <= kinds
