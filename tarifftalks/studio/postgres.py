"""A throwaway PostgreSQL cluster for `tarifftalks studio up --postgres` (and the tests).

PostgreSQL is Label Studio's production database. This runs Debian's own server binaries
(`apt-get install postgresql`; `.ci/install-studio.sh` installs them) on a cluster made for the
occasion and dropped by `studio down`:

  - PostgreSQL refuses to run as root, and CI runs as root: then the cluster is created and run
    as the `postgres` user (`runuser`), in a temporary folder that user owns;
  - it listens on 127.0.0.1 only, on a free port, with its socket inside that folder (never the
    system-wide /var/run/postgresql);
  - one role and database, `labelstudio`, password-authenticated (scram-sha-256). The password is
    random; it lives in `.studio/postgres.json` (0600) for as long as the cluster does.

A long-lived team server uses a managed PostgreSQL instead (docs/STUDIO.md).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..io import write_text_atomic

HOST = "127.0.0.1"
DB_USER = "labelstudio"
DB_NAME = "labelstudio"
OS_USER = "postgres"
PG_BIN_ENV = "TARIFFTALKS_PG_BIN"
STATE_FILE = "postgres.json"
_STATE_KEYS = {"dir": str, "port": int, "bin": str, "password": str}
_SERVER_EXES = ("initdb", "pg_ctl", "postgres")


def find_bin_dir() -> Path:
    """The folder holding `initdb`, `pg_ctl` and `postgres`.

    $TARIFFTALKS_PG_BIN, else `initdb` on PATH, else Debian's /usr/lib/postgresql/<newest>/bin
    (Debian keeps the server binaries off PATH)."""
    env = os.environ.get(PG_BIN_ENV)
    candidates: list[Path] = []
    if env:
        candidates.append(Path(env))
    else:
        on_path = shutil.which("initdb")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
        versions = []
        for d in Path("/usr/lib/postgresql").glob("*/bin"):
            if re.fullmatch(r"\d+(\.\d+)?", d.parent.name):
                versions.append((float(d.parent.name), d))
        candidates += [d for _, d in sorted(versions, reverse=True)]
    for d in candidates:
        if all((d / exe).is_file() and os.access(d / exe, os.X_OK) for exe in _SERVER_EXES):
            return d
    where = f"{PG_BIN_ENV}={env}" if env else "PATH and /usr/lib/postgresql/*/bin"
    raise UserError(
        f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in {where}: "
        "run .ci/install-studio.sh (apt-get install postgresql)"
    )


def check_driver(label_studio: Path) -> None:
    """The server's venv must import a PostgreSQL driver (Django takes psycopg 3, else
    psycopg2); Label Studio 1.23 depends on psycopg, so this fails only in a broken venv."""
    python = label_studio.parent / "python"
    if not python.is_file():
        return  # not a venv layout (a system install); the start-up log will tell
    code = "try:\n import psycopg\nexcept ImportError:\n import psycopg2"
    try:
        ok = subprocess.run([str(python), "-c", code], capture_output=True, timeout=60).returncode
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserError(f"{python}: cannot run it to check the PostgreSQL driver ({exc})") from None
    if ok != 0:
        raise UserError(
            f"{python} cannot import a PostgreSQL driver (psycopg or psycopg2): "
            "run .ci/install-studio.sh"
        )


def _as_postgres() -> list[str]:
    """The command prefix that runs a server binary as a non-root user."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    if not Path(runuser).is_file():
        raise UserError("running as root, and `runuser` is missing: PostgreSQL refuses root")
    try:
        import pwd

        pwd.getpwnam(OS_USER)
    except KeyError:
        raise UserError(
            f"running as root, and there is no `{OS_USER}` user to run PostgreSQL as "
            "(apt-get install postgresql creates it)"
        ) from None
    return [runuser, "-u", OS_USER, "--"]


def _run(
    cmd: list[str], what: str, env: dict[str, str] | None = None, timeout: float = 120
) -> None:
    try:
        # cwd "/": the postgres user may not enter the caller's folder (a checkout under /root),
        # and initdb and pg_ctl fail when they cannot.
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            cwd="/",
        )
    except subprocess.TimeoutExpired:
        raise UserError(f"PostgreSQL: {what} did not finish in {timeout:.0f}s") from None
    except OSError as exc:
        raise UserError(f"PostgreSQL: {what}: {cmd[0]}: {exc.strerror}") from None
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        last = lines[-1][:300] if lines else f"exit code {proc.returncode}"
        raise UserError(f"PostgreSQL: {what} failed: {last}")


def state_path(sdir: Path) -> Path:
    return sdir / STATE_FILE


def read_state(sdir: Path) -> dict[str, Any] | None:
    """The cluster record, or None when absent or not what it should be (a corrupt record must
    never block `studio down`)."""
    try:
        data = json.loads(state_path(sdir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    for key, kind in _STATE_KEYS.items():
        if type(data.get(key)) is not kind:
            return None
    return data


def _pg_ctl_start(state: dict[str, Any], prefix: list[str]) -> None:
    base = Path(state["dir"])
    _run(
        [*prefix, str(Path(state["bin"]) / "pg_ctl"), "-D", str(base / "data")]
        + ["-l", str(base / "postgres.log"), "-w", "-t", "120", "start"],
        "pg_ctl start",
        timeout=150,
    )


def _running(state: dict[str, Any], prefix: list[str]) -> bool:
    cmd = [*prefix, str(Path(state["bin"]) / "pg_ctl"), "-D", str(Path(state["dir"]) / "data")]
    try:
        done = subprocess.run([*cmd, "status"], capture_output=True, timeout=30, cwd="/")
        return done.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure(sdir: Path, port: int, report=None) -> dict[str, Any]:
    """The cluster of `.studio/postgres.json`, started if it is stopped (a crashed server's
    annotations survive until `studio down`), else a new one."""
    report = report or (lambda msg: None)
    prefix = _as_postgres()
    state = read_state(sdir)
    if state and (Path(state["dir"]) / "data" / "PG_VERSION").is_file():
        if not _running(state, prefix):
            _pg_ctl_start(state, prefix)
        report(f"PostgreSQL cluster in {state['dir']}, on {HOST}:{state['port']} (reused)")
        return {**state, "reused": True}
    stop(sdir)  # a record without a cluster behind it
    return start(sdir, port, report)


def start(sdir: Path, port: int, report=None) -> dict[str, Any]:
    """Create a cluster in a new temporary folder and start it; its record goes to
    `.studio/postgres.json` before anything runs, so `stop` can always clean up."""
    report = report or (lambda msg: None)
    bindir = find_bin_dir()
    prefix = _as_postgres()
    report("creating a throwaway PostgreSQL cluster (initdb)")
    base = Path(tempfile.mkdtemp(prefix="tarifftalks-pg-"))
    password = secrets.token_urlsafe(24)
    state = {"dir": str(base), "port": port, "bin": str(bindir), "password": password}
    write_text_atomic(state_path(sdir), json.dumps(state, indent=2) + "\n")
    os.chmod(state_path(sdir), 0o600)
    try:
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n", encoding="utf-8")
        os.chmod(pwfile, 0o600)
        if prefix:
            import pwd

            pw = pwd.getpwnam(OS_USER)
            for p in (base, pwfile):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        data = base / "data"
        t0 = time.monotonic()
        _run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                DB_USER,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            "initdb",
        )
        pwfile.unlink()
        # Loopback only, socket in our own folder (a running system cluster is not disturbed).
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"\n# tarifftalks studio up --postgres\nlisten_addresses = '{HOST}'\n"
                f"port = {port}\nunix_socket_directories = '{base}'\n"
            )
        _pg_ctl_start(state, prefix)
        env = {**os.environ, "PGPASSWORD": password}
        createdb = bindir / "createdb"
        if not createdb.is_file():
            createdb = Path(shutil.which("createdb") or "createdb")
        _run(
            [str(createdb), "-h", HOST, "-p", str(port), "-U", DB_USER, DB_NAME],
            "createdb",
            env=env,
        )
        report(
            f"PostgreSQL {bindir.parent.name} cluster in {base}, on {HOST}:{port} "
            f"({time.monotonic() - t0:.1f} s)"
        )
    except BaseException:
        stop(sdir)
        raise
    return state


def server_env(state: dict[str, Any]) -> dict[str, str]:
    """Label Studio's settings for this cluster (read as LABEL_STUDIO_<NAME>)."""
    return {
        "LABEL_STUDIO_DJANGO_DB": "postgresql",
        "LABEL_STUDIO_POSTGRE_NAME": DB_NAME,
        "LABEL_STUDIO_POSTGRE_USER": DB_USER,
        "LABEL_STUDIO_POSTGRE_PASSWORD": state["password"],
        "LABEL_STUDIO_POSTGRE_HOST": HOST,
        "LABEL_STUDIO_POSTGRE_PORT": str(state["port"]),
    }


def _postmaster_pid(data: Path) -> int | None:
    try:
        first = (data / "postmaster.pid").read_text(encoding="utf-8").splitlines()[0]
        return int(first)
    except (OSError, ValueError, IndexError):
        return None


def stop(sdir: Path) -> bool:
    """Stop the cluster of `.studio/postgres.json` and delete its folder; False when there was
    none. A corrupt record is removed (nothing can be stopped through it)."""
    path = state_path(sdir)
    state = read_state(sdir)
    if state is None:
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed
    base = Path(state["dir"])
    data = base / "data"
    if (data / "postmaster.pid").is_file():
        try:
            _run(
                [*_as_postgres(), str(Path(state["bin"]) / "pg_ctl"), "-D", str(data)]
                + ["-m", "fast", "-w", "-t", "60", "stop"],
                "pg_ctl stop",
                timeout=90,
            )
        except UserError:
            pid = _postmaster_pid(data)  # the server we started, by its own pid file
            if pid:
                try:
                    os.kill(pid, signal.SIGQUIT)
                except ProcessLookupError:
                    pass
                time.sleep(1)
    # Only ever a folder this module made (tempfile's prefix), never a path from elsewhere.
    if base.name.startswith("tarifftalks-pg-") and base.is_dir():
        shutil.rmtree(base, ignore_errors=True)
    path.unlink(missing_ok=True)
    return True
