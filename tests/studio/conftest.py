"""Real Label Studio servers for the whole test session (no mocks here).

The server comes from `.ci/install-studio.sh` (`.venv-studio/`) or TARIFFTALKS_LABEL_STUDIO.
Two servers, each started once on a free loopback port with its state in a temp folder, and
stopped at the end: `studio` on SQLite (the default), `pg_studio` on a throwaway PostgreSQL
cluster (Debian's postgresql, started by `server.up(postgres_db=True)` as `studio up --postgres`
does). In CI (CI=true) a server that cannot be found or started fails the tests; elsewhere they
skip, PostgreSQL only when its binaries are absent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tarifftalks.cli import main
from tarifftalks.errors import UserError
from tarifftalks.studio import postgres, server

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "studio"


@dataclass(frozen=True)
class Studio:
    root: Path
    url: str
    token: str
    database: str = "sqlite"
    startup: list[str] = field(default_factory=list)  # what `up` reported while starting


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI needs this: {reason}", pytrace=False)
    pytest.skip(reason)


def _start(root: Path, postgres_db: bool) -> Studio:
    shutil.copytree(FIXTURE / "seeds", root / "seeds")
    shutil.copytree(FIXTURE / "annotation", root / "annotation")
    said: list[str] = []
    try:
        state = server.up(
            root, port=server.free_port(), timeout=400, postgres_db=postgres_db, report=said.append
        )
    except UserError as exc:
        if postgres_db:  # binaries and server are there (checked first): a real failure
            pytest.fail(f"Label Studio on PostgreSQL did not start: {exc}", pytrace=False)
        unavailable(f"Label Studio server: {exc}")
    token = server.local_token(root) or ""
    return Studio(root, state["url"], token, state["database"], said)


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """The SQLite-backed session server."""
    root = tmp_path_factory.mktemp("studio-server")
    s = _start(root, postgres_db=False)
    try:
        yield s
    finally:
        server.down(root)


@pytest.fixture(scope="session")
def pg_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """The PostgreSQL-backed session server (a throwaway cluster on loopback)."""
    root = tmp_path_factory.mktemp("studio-pg")
    try:
        server.find_label_studio(root)
    except UserError as exc:
        unavailable(f"Label Studio server: {exc}")
    try:
        postgres.find_bin_dir()
    except UserError as exc:
        unavailable(str(exc))
    s = _start(root, postgres_db=True)
    cluster = postgres.read_state(server.state_dir(root))
    try:
        yield s
    finally:
        server.down(root)
    # `studio down` drops the cluster: its folder and its record are gone.
    assert cluster and not Path(cluster["dir"]).exists()
    assert postgres.read_state(server.state_dir(root)) is None


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Studio:
    """Each server in turn, reached the way a team reaches its server: through the env."""
    s: Studio = request.getfixturevalue("studio" if request.param == "sqlite" else "pg_studio")
    monkeypatch.setenv("LABEL_STUDIO_URL", s.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", s.token)
    return s


@pytest.fixture()
def pg_env(pg_studio: Studio, monkeypatch: pytest.MonkeyPatch) -> Studio:
    monkeypatch.setenv("LABEL_STUDIO_URL", pg_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", pg_studio.token)
    return pg_studio


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


@dataclass(frozen=True)
class Annotator:
    email: str
    password: str
    id: int


@pytest.fixture(scope="session")
def annotators(pg_studio: Studio) -> list[Annotator]:
    """Two annotator accounts on the PostgreSQL server, lower user id first (= pass a)."""
    from tarifftalks.studio.client import Connection
    from tarifftalks.studio.users import add_users

    conn = Connection(url=pg_studio.url, local=False, _key=pg_studio.token)
    rows = add_users(conn, ["alice", "bob"])
    assert [r["source"] for r in rows] == ["generated", "generated"]
    return sorted((Annotator(r["email"], r["password"], r["id"]) for r in rows), key=lambda a: a.id)


@pytest.fixture()
def client(studio: Studio):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=studio.url, api_key=studio.token)


def client_of(s: Studio):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=s.url, api_key=s.token)


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
