"""One real Label Studio server for the whole test session (no mocks here).

The server comes from `.ci/install-studio.sh` (`.venv-studio/`) or TARIFFTALKS_LABEL_STUDIO.
It runs on a free loopback port with its state in a temp folder, and stops at the end.
In CI (CI=true) a server that cannot be found or started fails the tests; elsewhere they skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tarifftalks.cli import main
from tarifftalks.errors import UserError
from tarifftalks.studio import server

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "studio"


@dataclass(frozen=True)
class Studio:
    root: Path
    url: str
    token: str


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI needs this: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    root = tmp_path_factory.mktemp("studio-server")
    shutil.copytree(FIXTURE / "seeds", root / "seeds")
    shutil.copytree(FIXTURE / "annotation", root / "annotation")
    try:
        state = server.up(root, port=server.free_port(), timeout=300)
    except UserError as exc:
        unavailable(f"Label Studio server: {exc}")
    try:
        yield Studio(root=root, url=state["url"], token=server.local_token(root) or "")
    finally:
        server.down(root)


@pytest.fixture()
def team_env(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> Studio:
    """Point the commands at the session server the way a team would: through the env."""
    monkeypatch.setenv("LABEL_STUDIO_URL", studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", studio.token)
    return studio


@pytest.fixture()
def fixture_root(tmp_path: Path) -> Path:
    """A repo layout holding the rich fixture document tt-900 and its gold."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture()
def client(studio: Studio):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=studio.url, api_key=studio.token)


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def project_id(client, title: str) -> int:
    return next(p.id for p in client.projects.list(title=title) if p.title == title)


def tasks_of(client, pid: int) -> list:
    return list(client.tasks.list(project=pid, fields="all"))


def accept_predictions(client, pid: int) -> None:
    """What an annotator does who accepts every pre-annotation: submit it unchanged."""
    for task in tasks_of(client, pid):
        for pred in task.predictions or []:
            p = pred if isinstance(pred, dict) else pred.dict()
            client.annotations.create(id=task.id, result=p["result"], parent_prediction=p["id"])
