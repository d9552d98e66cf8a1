"""Pull refuses bad annotations (the server accepts anything); clear one-line errors."""

from __future__ import annotations

import copy
import socket
from pathlib import Path

import pytest

from .conftest import Studio, project_id, run, tasks_of

pytestmark = pytest.mark.studio


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".studio" not in p.parts
    }


def _corrupt(result: list[dict], how: str, text: str) -> list[dict]:
    result = copy.deepcopy(result)
    region = next(r for r in result if r.get("from_name") == "entity")
    if how == "unknown label":
        region["value"]["labels"] = ["SPACESHIP"]
    elif how == "offsets past the text":
        region["value"]["end"] = len(text) + 7
    elif how == "span text mismatch":
        region["value"]["text"] = "Tokyo!!"
    return result


@pytest.mark.parametrize(
    "how, expected",
    [
        ("unknown label", "unknown label 'SPACESHIP'"),
        ("offsets past the text", "outside the text"),
        ("span text mismatch", "does not match the text"),
    ],
)
def test_pull_refuses_bad_annotation(team_env, client, fixture_root, capsys, how, expected):
    title = f"bad-{how.split()[0]}"
    assert run(capsys, "studio", "push", "--root", str(fixture_root), "--project", title)[0] == 0
    task = tasks_of(client, project_id(client, title))[0]
    pred = task.predictions[0]
    pred = pred if isinstance(pred, dict) else pred.dict()
    bad = _corrupt(pred["result"], how, task.data["text"])
    client.annotations.create(id=task.id, result=bad)  # the server takes it without a word
    before = _snapshot(fixture_root)
    code, out, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", title, "--accept"
    )
    assert code == 2
    assert f"task {task.id} (tt-900)" in err and expected in err
    assert "nothing written" in err and "Traceback" not in err
    assert _snapshot(fixture_root) == before


def test_wrong_token_is_one_line(studio: Studio, fixture_root, monkeypatch, capsys):
    secret = "0123456789abcdef-not-the-key"
    monkeypatch.setenv("LABEL_STUDIO_URL", studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", secret)
    code, out, err = run(capsys, "studio", "push", "--root", str(fixture_root))
    assert code == 2
    assert err.count("\n") == 1 and "rejected LABEL_STUDIO_API_KEY" in err
    assert secret not in err + out


def test_server_down_is_one_line(fixture_root, monkeypatch, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    secret = "abcdef0123456789abcdef0123456789"
    monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", secret)
    for cmd in ("push", "pull"):
        code, out, err = run(capsys, "studio", cmd, "--root", str(fixture_root))
        assert code == 2
        assert err.count("\n") == 1 and "cannot reach Label Studio" in err
        assert secret not in err + out


def test_agreement_and_adjudication(team_env, client, fixture_root, capsys):
    title = "two-annotators"
    assert run(capsys, "studio", "push", "--root", str(fixture_root), "--project", title)[0] == 0
    task = tasks_of(client, project_id(client, title))[0]
    pred = task.predictions[0]
    pred = pred if isinstance(pred, dict) else pred.dict()
    full = pred["result"]
    # the second annotator drops one trigger (and the relations and attributes hanging on it)
    drop = next(r["id"] for r in full if r.get("from_name") == "trigger")
    fewer = [r for r in full if r.get("id") != drop and r.get("from_id") != drop]
    first = client.annotations.create(id=task.id, result=full)
    client.annotations.create(id=task.id, result=fewer)
    gold = fixture_root / "annotation" / "gold" / "tt-900.json"
    before = gold.read_bytes()

    code, out, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", title, "--accept"
    )
    assert code == 0, err
    assert "2 annotations, agreement" in err and "triggers_f1" in err
    assert (fixture_root / ".studio" / "adjudication" / "tt-900.json").is_file()
    assert gold.read_bytes() == before

    # adjudicated in Label Studio: the first annotation becomes the ground truth
    client.annotations.update(id=first.id, ground_truth=True)
    gold.unlink()
    code, out, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", title, "--accept"
    )
    assert code == 0, err
    assert gold.read_bytes() == before
