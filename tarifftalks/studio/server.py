"""A local Label Studio server: `tarifftalks studio up | down | status`.

Facts about Label Studio 1.23 this module relies on (see docs/STUDIO.md):
  - `--internal-host` is the bind address (`--host` only names the public URL);
  - a busy port is silently replaced by the next free one, so we check the port first and wait
    on the health endpoint of that exact port, then prove it is our server with our token;
  - `LABEL_STUDIO_USERNAME/PASSWORD/USER_TOKEN` create the admin user and fix its token without
    prompts; the token is a legacy token, accepted only with
    `LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true`;
  - every setting is read as `LABEL_STUDIO_<NAME>` first, then `<NAME>`: we set the prefixed
    form so stray variables of the user's shell (USERNAME, HOST, PORT…) cannot interfere;
  - outbound calls: the PyPI version check, Sentry (back end and front end) and analytics are on
    by default; all four are switched off here.

The server lives under `<root>/.studio/` (git-ignored): SQLite database and media in `data/`,
`server.log`, `server.json` (pid, port, database), and 0600 files for this throwaway local
server only — `token`, `admin.json` (login for the browser), `secret_key` (keeps browser
sessions valid across restarts), `postgres.json` (with `--postgres`: the throwaway cluster of
`postgres.py`, dropped by `down`). A team server's key (LABEL_STUDIO_API_KEY) is never stored.
State files are checked for shape when read: a corrupt one never blocks `down` or `status`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import UserError
from ..io import write_text_atomic
from . import postgres

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
ADMIN_EMAIL = "admin@tarifftalks.local"
LS_ENV = "TARIFFTALKS_LABEL_STUDIO"
STUDIO_VENV = ".venv-studio"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# Label Studio 1.23 never deletes an export's file (the flag that would is forced off), so
# pull removes its snapshot from the local server's media folder itself (see `remove_export`).
EXPORT_DIR = Path("data") / "media" / "export"
Report = Callable[[str], None]


def state_dir(root: Path | None = None) -> Path:
    return (root or paths.repo_root()) / ".studio"


def _source_checkout() -> Path:
    return Path(__file__).resolve().parent.parent.parent


def find_label_studio(root: Path | None = None) -> Path:
    """The `label-studio` executable.

    Label Studio 1.23 pins pyarrow<25 (and Django-era pins such as pytz<2023), which would
    downgrade our core dependencies, so it lives in its own venv by default:
    $TARIFFTALKS_LABEL_STUDIO, then `<root>/.venv-studio`, then the checkout's `.venv-studio`,
    then this interpreter's venv (the `studio` extra), then PATH.
    """
    env = os.environ.get(LS_ENV)
    if env:
        path = Path(env)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise UserError(f"{LS_ENV}={env}: no executable label-studio there")
        return path
    candidates = [
        (root or paths.repo_root()) / STUDIO_VENV / "bin" / "label-studio",
        _source_checkout() / STUDIO_VENV / "bin" / "label-studio",
        Path(sys.executable).parent / "label-studio",
    ]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    found = shutil.which("label-studio")
    if found:
        return Path(found)
    raise UserError(
        "the Label Studio server is not installed: run .ci/install-studio.sh "
        f"(creates {STUDIO_VENV}/) or set {LS_ENV} to a label-studio executable"
    )


# --- state files ------------------------------------------------------------------------------


def _write_private(path: Path, text: str) -> None:
    write_text_atomic(path, text)
    os.chmod(path, 0o600)


def _secret(path: Path, make) -> str:
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    value = make()
    _write_private(path, value + "\n")
    return value


def local_token(root: Path | None = None) -> str | None:
    path = state_dir(root) / "token"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


_STATE_KEYS = {"pid": int, "port": int, "url": str, "data_dir": str}


def read_state(root: Path | None = None) -> dict[str, Any] | None:
    """`server.json`, or None when it is absent or not what `up` writes (a list, a pid that is
    not a number, missing keys…): such a file describes no server we could reach or stop."""
    path = state_dir(root) / "server.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if any(type(data.get(k)) is not kind for k, kind in _STATE_KEYS.items()):
        return None
    if data["pid"] <= 0:
        return None
    data.setdefault("database", SQLITE)
    return data


def read_admin(root: Path | None = None) -> dict[str, str] | None:
    """The local admin login of `admin.json`; None when absent; a corrupt file is a UserError
    naming it (its password is the only way into the browser)."""
    path = state_dir(root) / "admin.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: unreadable ({exc}); delete it for a new admin login") from None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("email"), str)
        and isinstance(data.get("password"), str)
        and data["email"]
        and data["password"]
    ):
        raise UserError(
            f"{path}: expected an object with email and password; delete it for a new admin login"
        )
    return {"email": data["email"], "password": data["password"]}


def _pid_alive(pid: int, data_dir: str) -> bool:
    """True when `pid` runs and is our server (its command line names our data folder), so a
    recycled pid is never mistaken for it."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid
    return data_dir in cmdline


def _health(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as resp:
            return resp.status == 200 and b"UP" in resp.read()
    except (OSError, urllib.error.URLError, ValueError):
        return False


def _whoami_ok(url: str, token: str) -> bool:
    req = urllib.request.Request(
        f"{url}/api/current-user/whoami", headers={"Authorization": f"Token {token}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


def port_in_use(port: int) -> bool:
    """Label Studio probes `localhost` (either address family) before moving to another port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the server itself binds: SO_REUSEADDR ignores TIME_WAIT leftovers of a stopped
        # server but still fails on a live listener.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    if socket.has_ipv6:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            try:
                if s.connect_ex(("::1", port, 0, 0)) == 0:
                    return True
            except OSError:
                pass
    return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --- commands ---------------------------------------------------------------------------------


def running(root: Path | None = None) -> dict[str, Any] | None:
    """The state of our local server when it runs and answers, else None."""
    state = read_state(root)
    if not state or not _pid_alive(state["pid"], state["data_dir"]):
        return None
    return state if _health(state["url"]) else None


def server_env(
    sdir: Path,
    admin: dict[str, str],
    token: str,
    secret_key: str,
    database: dict[str, str] | None = None,
) -> dict[str, str]:
    """The server's environment; `database`: PostgreSQL settings (default: SQLite in data/)."""
    # Inherited Label Studio settings (including a team's LABEL_STUDIO_API_KEY) stay out, and so
    # do the unprefixed database names Label Studio would also read.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LABEL_STUDIO_", "HEARTEX_", "POSTGRE_"))
        and k not in ("DJANGO_DB", "SECRET_KEY", "DATABASE_NAME")
    }
    data = sdir / "data"
    env.update(
        database
        or {
            "LABEL_STUDIO_DJANGO_DB": "sqlite",
            "LABEL_STUDIO_DATABASE_NAME": str(data / "label_studio.sqlite3"),
        }
    )
    env.update(
        {
            "LABEL_STUDIO_BASE_DATA_DIR": str(data),
            "LABEL_STUDIO_HOST": "",
            # Accounts come from `studio users add` (which uses the invite link), not strangers.
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            "LABEL_STUDIO_USERNAME": admin["email"],
            "LABEL_STUDIO_PASSWORD": admin["password"],
            "LABEL_STUDIO_USER_TOKEN": token,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
            "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
            "LABEL_STUDIO_SENTRY_DSN": "",
            "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
            "LABEL_STUDIO_DEBUG": "false",
            "SECRET_KEY": secret_key,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _log_phase(log_path: Path, offset: int) -> str:
    """What the server is doing, from its log since `offset` (markers of Label Studio 1.23)."""
    try:
        with open(log_path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return "starting"
    if "Starting development server" in text:
        return "serving, waiting for /health"
    if "Initializing database" in text:
        return "applying database migrations (slow on a first start)"
    return "starting (loading Django)"


def _wait(
    proc: subprocess.Popen, url: str, log_path: Path, offset: int, timeout: float, report: Report
) -> None:
    """Wait for /health of `url`; every few seconds say what we wait for, with elapsed time."""
    t0 = time.monotonic()
    last_phase, last_said = "", 0.0
    while True:
        code = proc.poll()
        if code is not None:
            raise UserError(
                f"Label Studio exited during start-up (exit code {code}): {_last_line(log_path)}"
                f" (log: {log_path})"
            )
        if _health(url):
            report(f"Label Studio answers on {url} ({time.monotonic() - t0:.0f} s)")
            return
        elapsed = time.monotonic() - t0
        if elapsed > timeout:
            raise UserError(
                f"Label Studio did not answer on {url} within {timeout:.0f}s (log: {log_path})"
            )
        phase = _log_phase(log_path, offset)
        if phase != last_phase or elapsed - last_said >= 10:
            report(f"waiting for Label Studio: {phase} ({elapsed:.0f} s)")
            last_phase, last_said = phase, elapsed
        time.sleep(0.5)


def up(
    root: Path | None = None,
    port: int = DEFAULT_PORT,
    timeout: float = 240.0,
    postgres_db: bool = False,
    report: Report | None = None,
) -> dict:
    """Start the local server (or report the one already running); returns its state.

    `postgres_db`: on a throwaway PostgreSQL cluster (`postgres.py`) instead of SQLite.
    `report`: called with one line per step (what it waits for, elapsed seconds)."""
    report = report or (lambda msg: None)
    sdir = state_dir(root)
    database = POSTGRESQL if postgres_db else SQLITE
    current = running(root)
    if current:
        if current["database"] != database:
            raise UserError(
                f"a local Label Studio on {current['database']} is running at {current['url']}; "
                "run `tarifftalks studio down` first"
            )
        return {**current, "already": True}
    if port_in_use(port):
        raise UserError(f"port {port} on {HOST} is in use; choose another with --port")
    exe = find_label_studio(root)
    data = sdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(sdir, 0o700)
    token = _secret(sdir / "token", lambda: secrets.token_hex(20))
    admin = read_admin(root)
    if admin is None:
        admin = {"email": ADMIN_EMAIL, "password": secrets.token_urlsafe(18)}
        _write_private(sdir / "admin.json", json.dumps(admin, indent=2) + "\n")
    secret_key = _secret(sdir / "secret_key", lambda: secrets.token_urlsafe(48))
    url = f"http://{HOST}:{port}"
    cmd = [str(exe), "start", "--no-browser", "--internal-host", HOST, "--port", str(port)]
    cmd += ["--data-dir", str(data)]
    db_env = None
    first = not (data / "label_studio.sqlite3").is_file()
    if postgres_db:
        postgres.check_driver(exe)
        pg = postgres.ensure(sdir, free_port(), report)
        db_env = postgres.server_env(pg)
        first = not pg.get("reused")
    else:
        cmd += ["--database", str(data / "label_studio.sqlite3")]
    log_path = sdir / "server.log"
    with open(log_path, "ab") as log:
        offset = log.tell()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_env(sdir, admin, token, secret_key, db_env),
            cwd=sdir,
            start_new_session=True,  # its own process group: `down` ends it and its children
        )
    state = {
        "pid": proc.pid,
        "port": port,
        "url": url,
        "data_dir": str(data),
        "database": database,
        "log": str(log_path),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_text_atomic(sdir / "server.json", json.dumps(state, indent=2) + "\n")
    report(
        f"starting Label Studio on {url} ({database}"
        + (", first start: database migrations take about a minute" if first else "")
        + f"; log: {log_path})"
    )
    try:
        _wait(proc, url, log_path, offset, timeout, report)
        if not _whoami_ok(url, token):
            raise UserError(
                f"{url} answers but does not accept this server's token (another server took "
                f"the port?) (log: {log_path})"
            )
    except BaseException:
        _stop(proc.pid)
        (sdir / "server.json").unlink(missing_ok=True)
        if postgres_db and first:
            postgres.stop(sdir)  # a cluster made for this start holds nothing yet
        raise
    return {**state, "already": False}


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return "no log"
    lines = [ln.strip() for ln in lines if ln.strip()]
    return lines[-1][:300] if lines else "empty log"


def _stop(pid: int, grace: float = 15.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            waited, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            waited = 0
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        if waited == pid:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def down(root: Path | None = None) -> bool:
    """Stop our local server (and drop its throwaway PostgreSQL cluster); False when none was
    running. A corrupt `server.json` is removed: it names no process we could stop."""
    sdir = state_dir(root)
    state = read_state(root)
    alive = False
    if state:
        alive = _pid_alive(state["pid"], state["data_dir"])
        if alive:
            _stop(state["pid"])
    (sdir / "server.json").unlink(missing_ok=True)
    dropped = postgres.stop(sdir)
    return alive or dropped


def remove_export(root: Path | None, project_id: int, md5: str | None) -> list[Path]:
    """Delete the snapshot file(s) of one export from the local server's media folder."""
    if not isinstance(md5, str) or not md5.isalnum():
        return []
    folder = state_dir(root) / EXPORT_DIR / str(int(project_id))
    gone = []
    # Label Studio 1.23 writes export/<project>/project-<project>-at-<time>-<md5[:8]>.json
    # (Django may add a suffix before .json).
    for path in sorted(folder.glob(f"project-{int(project_id)}-at-*-{md5[:8]}*.json")):
        path.unlink(missing_ok=True)
        gone.append(path)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return gone
