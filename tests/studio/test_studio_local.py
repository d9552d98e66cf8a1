"""The local server's own commands against the session server."""

from __future__ import annotations

import os
import re
import stat

import pytest

from tarifftalks.studio import server

from .conftest import Studio, run

pytestmark = pytest.mark.studio


def test_status_up_again_and_private_files(studio: Studio, monkeypatch, capsys):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    root = str(studio.root)
    code, out, _ = run(capsys, "studio", "status", "--root", root)
    assert code == 0 and f"running at {studio.url}" in out
    code, out, _ = run(capsys, "studio", "up", "--root", root)
    assert code == 0 and "already running" in out
    sdir = server.state_dir(studio.root)
    for name in ("token", "admin.json", "secret_key"):
        assert stat.S_IMODE(os.stat(sdir / name).st_mode) == 0o600
    # the server listens on loopback only, on the port we asked for
    state = server.read_state(studio.root)
    assert state["url"] == f"http://127.0.0.1:{state['port']}"


def test_local_push_uses_local_token(studio: Studio, monkeypatch, capsys):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    code, out, err = run(
        capsys, "studio", "push", "--root", str(studio.root), "--project", "local", "--quiet"
    )
    assert code == 0, err
    assert "1 task(s) added" in out


def test_server_log_has_no_outbound_settings(studio: Studio):
    """Version check, Sentry and analytics are off in the server's environment."""
    env = server.server_env(
        server.state_dir(studio.root), {"email": "e", "password": "p"}, "t", "s"
    )
    assert env["LABEL_STUDIO_LATEST_VERSION_CHECK"] == "false"
    assert env["LABEL_STUDIO_COLLECT_ANALYTICS"] == "false"
    assert env["LABEL_STUDIO_SENTRY_DSN"] == "" and env["LABEL_STUDIO_FRONTEND_SENTRY_DSN"] == ""
    log = (server.state_dir(studio.root) / "server.log").read_text(
        encoding="utf-8", errors="replace"
    )
    assert "pypi.org" not in log


def test_up_said_what_it_waited_for(studio: Studio):
    """`studio up` reports each wait with its elapsed seconds (the first start migrates)."""
    waits = [s for s in studio.startup if s.startswith("waiting for Label Studio")]
    assert waits and all(re.search(r"\(\d+ s\)$", s) for s in waits)
    assert any("migrations" in s for s in studio.startup)
    assert re.search(r"Label Studio answers on .* \(\d+ s\)", studio.startup[-1])


def test_every_pull_deletes_its_export_file(studio: Studio, monkeypatch, capsys):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    root = str(studio.root)
    exports = server.state_dir(studio.root) / server.EXPORT_DIR
    code, _, err = run(capsys, "studio", "push", "--root", root, "--project", "exports", "--quiet")
    assert code == 0, err
    before = sorted(exports.rglob("*"))
    for _ in range(3):
        code, _, err = run(capsys, "studio", "pull", "--root", root, "--project", "exports")
        assert code == 0, err
    assert sorted(exports.rglob("*")) == before
