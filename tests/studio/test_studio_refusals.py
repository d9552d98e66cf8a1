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
    push = ("studio", "push", "--root", str(fixture_root), "--project", title, "--gold")
    assert run(capsys, *push)[0] == 0
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


def test_two_annotations_by_one_account_are_refused(team_env, client, fixture_root, capsys):
    """Pass a and b are two annotators: one account's second annotation is not a second pass."""
    title = "one-account-twice"
    push = ("studio", "push", "--root", str(fixture_root), "--project", title, "--gold")
    assert run(capsys, *push)[0] == 0
    task = tasks_of(client, project_id(client, title))[0]
    pred = task.predictions[0]
    pred = pred if isinstance(pred, dict) else pred.dict()
    client.annotations.create(id=task.id, result=pred["result"])
    client.annotations.create(id=task.id, result=pred["result"])
    before = _snapshot(fixture_root)
    code, _, err = run(
        capsys, "studio", "pull", "--root", str(fixture_root), "--project", title, "--accept"
    )
    assert code == 2 and "a second annotation by the same annotator" in err
    assert "Traceback" not in err and _snapshot(fixture_root) == before
    assert not (fixture_root / ".studio").exists(), "the retired .studio/adjudication/"
