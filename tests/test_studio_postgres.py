"""The PostgreSQL helpers that need no server: finding the binaries, the driver check, the
cluster record. (The cluster itself runs in tests/studio, against a live server.)"""

from __future__ import annotations

import json

import pytest

from tarifftalks.errors import UserError
from tarifftalks.studio import postgres


def test_missing_binaries_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(postgres.PG_BIN_ENV, str(tmp_path))
    with pytest.raises(UserError, match="install-studio.sh") as exc:
        postgres.find_bin_dir()
    assert "\n" not in str(exc.value)


def test_bin_dir_from_the_environment(tmp_path, monkeypatch):
    for exe in ("initdb", "pg_ctl", "postgres"):
        (tmp_path / exe).write_text("#!/bin/sh\n")
        (tmp_path / exe).chmod(0o755)
    monkeypatch.setenv(postgres.PG_BIN_ENV, str(tmp_path))
    assert postgres.find_bin_dir() == tmp_path


def test_driver_check_names_the_venv(tmp_path):
    (tmp_path / "python").write_text("#!/bin/sh\nexit 1\n")
    (tmp_path / "python").chmod(0o755)
    with pytest.raises(UserError, match="cannot import a PostgreSQL driver"):
        postgres.check_driver(tmp_path / "label-studio")
    (tmp_path / "python").write_text("#!/bin/sh\nexit 0\n")
    postgres.check_driver(tmp_path / "label-studio")


def test_record_of_another_shape_is_dropped_and_never_deletes_elsewhere(tmp_path):
    victim = tmp_path / "not-ours"
    victim.mkdir()
    record = {"dir": str(victim), "port": 5, "bin": str(tmp_path), "password": "x"}
    (tmp_path / postgres.STATE_FILE).write_text(json.dumps(record))
    assert postgres.read_state(tmp_path) == record
    assert postgres.stop(tmp_path) is True
    assert victim.is_dir(), "only folders named tarifftalks-pg-* are removed"
    assert not (tmp_path / postgres.STATE_FILE).exists()
    (tmp_path / postgres.STATE_FILE).write_text(json.dumps({**record, "port": "5"}))
    assert postgres.read_state(tmp_path) is None


def test_server_env_points_at_the_cluster():
    env = postgres.server_env({"dir": "/x", "port": 6543, "bin": "/b", "password": "pw"})
    assert env["LABEL_STUDIO_DJANGO_DB"] == "postgresql"
    assert (env["LABEL_STUDIO_POSTGRE_HOST"], env["LABEL_STUDIO_POSTGRE_PORT"]) == (
        "127.0.0.1",
        "6543",
    )
