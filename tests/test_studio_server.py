"""Server commands that fail before any server exists: one clear line, exit 2."""

from __future__ import annotations

import socket

from tarifftalks.cli import main


def _run(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_port_in_use(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, err = _run(capsys, "studio", "up", "--root", str(tmp_path), "--port", str(port))
    assert code == 2
    msg = f"port {port} on 127.0.0.1 is in use; choose another with --port"
    assert err == f"tarifftalks studio: error: {msg}\n"


def test_label_studio_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TARIFFTALKS_LABEL_STUDIO", str(tmp_path / "nope" / "label-studio"))
    code, err = _run(capsys, "studio", "up", "--root", str(tmp_path), "--port", "1")
    assert code == 2 and err.count("\n") == 1 and "no executable label-studio" in err


def test_label_studio_not_installed(tmp_path, monkeypatch, capsys):
    from tarifftalks.studio import server

    monkeypatch.delenv("TARIFFTALKS_LABEL_STUDIO", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(server, "_source_checkout", lambda: tmp_path)
    monkeypatch.setattr(server.sys, "executable", str(tmp_path / "python"))
    code, err = _run(
        capsys, "studio", "up", "--root", str(tmp_path), "--port", str(server.free_port())
    )
    assert code == 2 and err.count("\n") == 1 and "install-studio.sh" in err


def test_no_local_server_and_no_team_server(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    code, err = _run(capsys, "studio", "pull", "--root", str(tmp_path))
    assert code == 2 and "studio up" in err and err.count("\n") == 1


def test_url_without_key(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    code, err = _run(capsys, "studio", "push", "--root", str(tmp_path))
    assert code == 2 and "LABEL_STUDIO_API_KEY is not" in err


def test_status_when_stopped(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    capsys.readouterr()
    assert main(["studio", "status", "--root", str(tmp_path)]) == 3
    assert "stopped" in capsys.readouterr().out
