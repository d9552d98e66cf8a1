"""The loop on a live server: push -> annotate (accepting pre-annotations) -> pull.

The round trips run on both servers, SQLite and PostgreSQL (`backend`)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tarifftalks.gold import dumps_gold, read_gold_file
from tarifftalks.scoring.predictions import gold_to_predictions

from .conftest import (
    FIXTURE,
    REPO,
    Studio,
    accept_predictions,
    client_of,
    project_id,
    run,
    tasks_of,
)

pytestmark = pytest.mark.studio


def _gold_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def test_round_trip_fixture_is_byte_identical(backend: Studio, fixture_root, capsys):
    client = client_of(backend)
    gold_dir = fixture_root / "annotation" / "gold"
    expected = _gold_bytes(gold_dir)
    assert expected, "the fixture holds gold"
    title = "round-trip"
    code, out, err = run(
        capsys, "studio", "push", "--root", str(fixture_root), "--project", title,
        "--gold", "--overlap", "1", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert "1 task(s) added, 0 already there; pre-annotations 'gold': 1 added, 0 updated" in out
    pid = project_id(client, title)
    accept_predictions(client, pid)

    # the same checkout: what comes back is byte for byte what was pushed
    code, out, err = run(capsys, "studio", "pull", "--root", str(fixture_root), "--project", title)
    assert code == 0 and out == "" and "1 unchanged" in err, err

    # a checkout without the file: the diff, then nothing written without --accept, and with it
    # a refusal (the file changed since the push) until told to take Label Studio's version
    for p in gold_dir.glob("*.json"):
        p.unlink()
    pull = ("studio", "pull", "--root", str(fixture_root), "--project", title)
    code, out, err = run(capsys, *pull)
    assert code == 0, err
    assert "+++ b/annotation/gold/tt-900.json" in out
    assert "--accept" in err and "annotation/gold/tt-900.json: changed since it was pushed" in err
    assert _gold_bytes(gold_dir) == {}, "nothing is written without --accept"
    code, out, err = run(capsys, *pull, "--accept")
    assert code == 2 and "annotation/gold/tt-900.json" in err and "nothing written" in err
    assert _gold_bytes(gold_dir) == {}
    code, out, err = run(capsys, *pull, "--accept", "--overwrite-local")
    assert code == 0, err
    assert _gold_bytes(gold_dir) == expected
    # and the canonical form is what any producer writes
    for name, data in expected.items():
        assert dumps_gold(read_gold_file(gold_dir / name)).encode() == data

    code, out, err = run(capsys, *pull)
    assert code == 0 and out == "" and "1 unchanged" in err


def test_round_trip_repository_gold(backend: Studio, tmp_path, capsys):
    """Whatever annotation/gold/ holds today comes back byte for byte."""
    n = len(list((REPO / "annotation" / "gold").glob("*.json")))
    if not n:
        pytest.skip("annotation/gold is empty")
    root = tmp_path / "repo"
    for name in ("seeds", "annotation"):
        shutil.copytree(REPO / name, root / name)
    title = "rt-repo"
    code, _, err = run(
        capsys, "studio", "push", "--root", str(root), "--project", title, "--gold",
        "--overlap", "1", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    client = client_of(backend)
    accept_predictions(client, project_id(client, title))
    code, out, err = run(capsys, "studio", "pull", "--root", str(root), "--project", title)
    assert code == 0, err
    # "unchanged" = the pulled canonical text equals the file's bytes
    assert out == "" and f"{n} unchanged" in err, err


def test_push_is_idempotent_and_updates_predictions(team_env, client, fixture_root, capsys):
    args = ("studio", "push", "--root", str(fixture_root), "--project", "idem", "--quiet")
    assert run(capsys, *args, "--gold")[0] == 0
    pid = project_id(client, "idem")
    first = tasks_of(client, pid)
    code, out, _ = run(capsys, *args, "--gold")
    assert code == 0
    assert "0 task(s) added, 1 already there" in out
    assert "'gold': 0 added, 0 updated" in out
    second = tasks_of(client, pid)
    assert [t.id for t in second] == [t.id for t in first]
    assert len(second[0].predictions) == 1

    # a changed gold updates the prediction in place, still without a new task, and the task
    # (not annotated yet) records the gold as pushed now
    path = fixture_root / "annotation" / "gold" / "tt-900.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold["events"] = []
    path.write_text(dumps_gold(gold), encoding="utf-8")
    code, out, _ = run(capsys, *args, "--gold")
    assert code == 0 and "0 task(s) added" in out and "0 added, 1 updated" in out
    third = tasks_of(client, pid)
    assert len(third) == 1 and len(third[0].predictions) == 1
    assert third[0].data["gold_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_push_sends_no_pre_annotation_unless_asked(team_env, client, fixture_root, capsys):
    """An annotation round: tasks without predictions, two annotations wanted per task, and
    the pushed gold's sha256 in each task's data."""
    code, out, err = run(
        capsys, "studio", "push", "--root", str(fixture_root), "--project", "round-1", "--quiet"
    )
    assert code == 0, err
    assert "1 task(s) added" in out and "no pre-annotations" in out
    pid = project_id(client, "round-1")
    project = client.projects.get(id=pid)
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (2, 100)
    (task,) = tasks_of(client, pid)
    assert not task.predictions and task.overlap == 2
    gold = fixture_root / "annotation" / "gold" / "tt-900.json"
    assert task.data["gold_sha256"] == hashlib.sha256(gold.read_bytes()).hexdigest()


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
