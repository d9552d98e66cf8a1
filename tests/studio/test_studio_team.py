"""A team round on the PostgreSQL-backed server: annotator accounts, two independent passes
submitted through the API as the browser submits them (session cookie + CSRF token), agreement,
adjudication rows, the decided gold, and no gold file overwritten that changed since the push.

The open-source edition shows every annotation to every member: nothing here pretends that the
second annotator cannot see the first's work (independence is kept by process, docs/STUDIO.md).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from tarifftalks.adjudication import read_log
from tarifftalks.gold import dumps_gold, read_gold_file
from tarifftalks.studio import users
from tarifftalks.studio.client import connect
from tarifftalks.studio.convert import gold_to_results
from tarifftalks.studio.pull import pull

from .conftest import FIXTURE, Annotator, Studio, client_of, project_id, run, tasks_of

pytestmark = pytest.mark.studio

GOLD = read_gold_file(FIXTURE / "annotation" / "gold" / "tt-900.json")


def submit(studio: Studio, who: Annotator, task_id: int, pid: int, gold: dict) -> int:
    """What the labeling page does on "Submit": POST the result in the annotator's session."""
    text = (FIXTURE / "seeds" / "900_fixture.txt").read_text(encoding="utf-8")
    with users.login(studio.url, who.email, who.password) as http:
        me = http.get("/api/current-user/whoami").json()
        assert me["id"] == who.id
        resp = http.post(
            f"/api/tasks/{task_id}/annotations/?project={pid}",
            json={
                "result": gold_to_results(gold, text),
                "lead_time": 42.0,
                "project": str(pid),
                "draft_id": 0,
                "parent_prediction": None,
                "parent_annotation": None,
            },
        )
        assert resp.status_code == 201, resp.text
        return int(resp.json()["id"])


def pass_b() -> dict:
    """The second annotator: the byline labelled body, and the event "join" (with its one
    argument) left out."""
    b = copy.deepcopy(GOLD)
    assert b["lines"][1] == {"start": 41, "end": 52, "label": "byline"}
    b["lines"][1]["label"] = "body"
    join = next(e for e in b["events"] if e["trigger"]["text"] == "join")
    assert len(join["arguments"]) == 1
    b["events"].remove(join)
    return b


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".studio" not in p.parts
    }


def test_users_add_shows_a_password_once_and_stores_none(pg_env, fixture_root, monkeypatch, capsys):
    monkeypatch.setenv("TARIFFTALKS_PASSWORD_CAROL", "carol-from-the-env-1")
    code, out, err = run(
        capsys, "studio", "users", "add", "carol", "dave", "--root", str(pg_env.root)
    )
    assert code == 0, err
    assert re.search(r"carol@tarifftalks\.local \(user \d+\): created; password from "
                     r"\$TARIFFTALKS_PASSWORD_CAROL", out)  # fmt: skip
    shown = re.search(r"dave@tarifftalks\.local \(user \d+\): created; password (\S+) \(shown", out)
    assert shown, out
    password = shown.group(1)
    # Both accounts log in with those passwords, and no file anywhere holds them.
    for email, pw in (("carol@tarifftalks.local", "carol-from-the-env-1"),
                      ("dave@tarifftalks.local", password)):  # fmt: skip
        with users.login(pg_env.url, email, pw) as http:
            assert http.get("/api/current-user/whoami").json()["email"] == email
    for root in (pg_env.root, fixture_root):
        for p in root.rglob("*"):
            if p.is_file():
                data = p.read_bytes()
                assert password.encode() not in data and b"carol-from-the-env-1" not in data, p
    code, out, _ = run(capsys, "studio", "users", "add", "dave", "--root", str(pg_env.root))
    assert code == 0 and "exists already, left alone" in out and "password" not in out
    code, out, _ = run(capsys, "studio", "users", "list", "--root", str(pg_env.root))
    assert "carol@tarifftalks.local" in out and "dave@tarifftalks.local" in out


def test_two_annotators_agreement_adjudication_and_decided_gold(
    pg_env, annotators, fixture_root, capsys
):
    alice, bob = annotators
    client = client_of(pg_env)
    root = str(fixture_root)
    title = "team-round"
    code, out, err = run(capsys, "studio", "push", "--root", root, "--project", title, "--quiet")
    assert code == 0 and "no pre-annotations" in out, err
    pid = project_id(client, title)
    (task,) = tasks_of(client, pid)
    assert not task.predictions and task.overlap == 2

    submit(pg_env, alice, task.id, pid, GOLD)
    pull_cmd = ("studio", "pull", "--root", root, "--project", title)
    code, out, err = run(capsys, *pull_cmd)
    assert code == 0 and "1 of 2 annotations; waits for the rest" in err, err
    submit(pg_env, bob, task.id, pid, pass_b())

    # Agreement, computed by hand. Lines a = [title, byline, body x3, credit, related, artifact],
    # b the same with body for byline: p_o = 7/8, p_e = (1 + 0 + 3*4 + 1 + 1 + 1)/64 = 1/4,
    # kappa = (7/8 - 1/4)/(3/4) = 5/6. Entities: 16 of 16. Triggers: b has 5 of a's 6, F1 =
    # 2*5/(5+6) = 10/11. Arguments: 15 of 16, F1 = 30/31. Realis: 5 of 5 matched agree.
    before = _tree(fixture_root)
    s = pull(connect(fixture_root), fixture_root, title, show_diff=False, out=io.StringIO())
    f = s["agreement"]["tt-900"]
    assert f["lines_kappa"] == pytest.approx(5 / 6) and (f["lines_same"], f["lines_n"]) == (7, 8)
    assert f["entities_f1"] == 1.0
    assert f["triggers_f1"] == pytest.approx(10 / 11)
    assert f["arguments_f1"] == pytest.approx(30 / 31)
    assert (f["realis_same"], f["realis_n"]) == (5, 5)
    assert (f["a"], f["b"]) == (alice.email, bob.email)
    assert s["adjudicate"] == ["tt-900"] and s["changed"] == []
    code, out, err = run(capsys, *pull_cmd)
    assert code == 0, err
    assert (
        f"tt-900 (task {task.id}): a = {alice.email} (user {alice.id}), b = {bob.email} "
        f"(user {bob.id}): lines kappa 0.833 (7/8 same), entities F1 1.000, triggers F1 0.909, "
        "arguments F1 0.968, realis 5/5; 2 disagreement(s), 0 decided"
    ) in err
    assert _tree(fixture_root) == before, "nothing written without --accept"

    # --accept writes the passes and one adjudication row per disagreement, not the gold
    code, out, err = run(capsys, *pull_cmd, "--accept")
    assert code == 0, err
    ann = fixture_root / "annotation"
    assert (ann / "passes" / "a" / "tt-900.json").read_text("utf-8") == dumps_gold(GOLD)
    assert (ann / "passes" / "b" / "tt-900.json").read_text("utf-8") == dumps_gold(pass_b())
    log = ann / "adjudication" / "tt-900.jsonl"
    rows = read_log(log)
    assert [(r["id"], r["a"], r["b"], r["chosen"]) for r in rows] == [
        ("lines:41-52", "byline", "body", None),
        ("events:282-286", rows[1]["a"], None, None),
    ]
    assert rows[1]["a"]["type"] == "Contact:Negotiate"
    assert (ann / "gold" / "tt-900.json").read_bytes() == before["annotation/gold/tt-900.json"]
    # the repository's own check sees the same two open rows
    code, out, _ = run(capsys, "adjudicate", "--root", root)
    assert code == 1 and out.count("decision needs chosen (a/b/other) and rule") == 2

    # The adjudicator decides: the byline as b labelled it, the event as a has it.
    rows[0].update(chosen="b", rule="GUIDELINES §4.1", why="test decision")
    rows[1].update(chosen="a", rule="GUIDELINES §6", why="test decision")
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, out, err = run(capsys, *pull_cmd, "--accept")
    assert code == 0, err
    decided = copy.deepcopy(GOLD)
    decided["lines"][1]["label"] = "body"
    assert (ann / "gold" / "tt-900.json").read_text("utf-8") == dumps_gold(decided)
    assert read_log(log) == rows, "decisions are kept"
    code, out, _ = run(capsys, "adjudicate", "--root", root)
    assert code == 0 and "ok" in out
    # the agreement command (same code) gives the figures pull printed
    code, out, _ = run(capsys, "agreement", "--root", root, "--json")
    assert json.loads(out)["boilerplate"]["kappa"] == pytest.approx(5 / 6)
    code, out, err = run(capsys, *pull_cmd)
    assert code == 0 and out == "" and "1 unchanged" in err


def test_pull_never_overwrites_gold_changed_since_the_push(
    pg_env, annotators, fixture_root, tmp_path, capsys
):
    alice = annotators[0]
    client = client_of(pg_env)
    title = "conflict"
    other = tmp_path / "second-checkout"
    shutil.copytree(fixture_root, other)
    code, _, err = run(
        capsys, "studio", "push", "--root", str(fixture_root), "--project", title,
        "--overlap", "1", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    pid = project_id(client, title)
    (task,) = tasks_of(client, pid)
    theirs = pass_b()
    submit(pg_env, alice, task.id, pid, theirs)

    gold = fixture_root / "annotation" / "gold" / "tt-900.json"
    mine = copy.deepcopy(GOLD)
    mine["notes"][0]["text"] = "Edited locally after the push."
    gold.write_text(dumps_gold(mine), encoding="utf-8")
    before = _tree(fixture_root)
    pull_cmd = ("studio", "pull", "--root", str(fixture_root), "--project", title, "--accept")
    code, out, err = run(capsys, *pull_cmd)
    assert code == 2 and "Traceback" not in err
    assert "annotation/gold/tt-900.json: changed locally since the push; nothing written" in err
    assert _tree(fixture_root) == before

    code, out, err = run(capsys, *pull_cmd, "--keep-local")
    assert code == 0, err
    assert _tree(fixture_root) == before

    # the other checkout still holds the gold as pushed: it takes the annotation
    code, out, err = run(
        capsys, "studio", "pull", "--root", str(other), "--project", title, "--accept"
    )
    assert code == 0, err
    assert (other / "annotation/gold/tt-900.json").read_text("utf-8") == dumps_gold(theirs)

    code, out, err = run(capsys, *pull_cmd, "--overwrite-local")
    assert code == 0, err
    assert gold.read_text("utf-8") == dumps_gold(theirs)
    assert (
        task.data["gold_sha256"]
        == hashlib.sha256(
            (FIXTURE / "annotation" / "gold" / "tt-900.json").read_bytes()
        ).hexdigest()
    )


def test_postgres_cluster_is_loopback_only(pg_studio: Studio, capsys, monkeypatch):
    from tarifftalks.studio import postgres, server

    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    cluster = postgres.read_state(server.state_dir(pg_studio.root))
    assert cluster is not None
    # postmaster.pid: line 5 the socket folder, line 6 the listen address
    lines = (Path(cluster["dir"]) / "data" / "postmaster.pid").read_text().splitlines()
    assert lines[4] == cluster["dir"] and lines[5] == "127.0.0.1"
    assert Path(cluster["dir"]).stat().st_mode & 0o077 == 0
    code, out, _ = run(capsys, "studio", "status", "--root", str(pg_studio.root))
    assert code == 0 and "(pid" in out and "postgresql)" in out
    # a SQLite start while the PostgreSQL one runs is refused, not silently mixed
    code, _, err = run(capsys, "studio", "up", "--root", str(pg_studio.root))
    assert code == 2 and "on postgresql is running" in err
    code, out, _ = run(capsys, "studio", "up", "--root", str(pg_studio.root), "--postgres")
    assert code == 0 and "already running" in out
