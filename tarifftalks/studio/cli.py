"""`tarifftalks studio config | up | down | status | push | pull | users`."""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .. import paths
from ..errors import UserError


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    if not root.is_dir():
        raise UserError(f"{root}: --root is not a folder")
    return root


def _config(args: argparse.Namespace) -> int:
    from . import config

    root = _root(args)
    path = config.config_path(root)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != config.labeling_config():
            raise UserError(f"{path}: out of date with the schema; run `tarifftalks studio config`")
        print(f"{path}: up to date")
        return 0
    config.write_config(root)
    print(f"wrote {path}")
    return 0


def _os_errors(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The boundary of every studio command: an OS error is one line naming the path."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except OSError as exc:
            where = exc.filename if exc.filename is not None else "studio"
            raise UserError(f"{where}: {exc.strerror or exc}") from None

    return wrapper


def int_between(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """argparse type: an integer in [lo, hi] (no upper bound when hi is None)."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None
        if n < lo or (hi is not None and n > hi):
            bounds = f"is outside {lo}-{hi}" if hi is not None else f"must be at least {lo}"
            raise argparse.ArgumentTypeError(f"{n} {bounds}")
        return n

    return parse


port_number = int_between(1, 65535)  # a TCP port
positive_int = int_between(1)


def _say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _up(args: argparse.Namespace) -> int:
    from . import server

    root = _root(args)
    state = server.up(
        root, port=args.port, timeout=args.timeout, postgres_db=args.postgres, report=_say
    )
    verb = "already running" if state["already"] else "started"
    admin = server.state_dir(root) / "admin.json"
    print(f"Label Studio {verb} at {state['url']} (pid {state['pid']}, {state['database']})")
    print(f"log in as {server.ADMIN_EMAIL}; the password is in {admin}")
    if os.environ.get("LABEL_STUDIO_URL"):
        print("note: LABEL_STUDIO_URL is set, so push/pull use that server, not this one")
    return 0


def _down(args: argparse.Namespace) -> int:
    from . import server

    stopped = server.down(_root(args))
    print("Label Studio stopped" if stopped else "no local Label Studio was running")
    return 0


def _status(args: argparse.Namespace) -> int:
    from . import server
    from .client import connect

    root = _root(args)
    if os.environ.get("LABEL_STUDIO_URL"):
        conn = connect(root)  # checks the URL and the key
        print(f"team server {conn.url}: reachable, API key accepted")
        return 0
    state = server.running(root)
    if not state:
        print("local Label Studio: stopped")
        return 3  # the LSB code for "not running"
    print(
        f"local Label Studio: running at {state['url']} (pid {state['pid']}, {state['database']})"
    )
    print(f"data: {state['data_dir']}; log: {state.get('log')}")
    return 0


def _push(args: argparse.Namespace) -> int:
    from .client import connect
    from .push import push

    root = _root(args)
    if len(args.project) < 3:
        raise UserError("--project: Label Studio needs a title of at least 3 characters")
    if args.model_version and not (args.gold or args.predictions):
        raise UserError("--model-version names pre-annotations: give --gold or --predictions")
    conn = connect(root)
    s = push(
        conn,
        root,
        project_title=args.project,
        predictions=Path(args.predictions) if args.predictions else None,
        model_version=args.model_version,
        batch_size=args.batch_size,
        progress=not args.quiet,
        gold=args.gold,
        overlap=args.overlap,
    )
    pre = (
        f"pre-annotations {s['model_version']!r}: {s['predictions_added']} added, "
        f"{s['predictions_updated']} updated"
        if s["model_version"]
        else "no pre-annotations (an independent pass; --gold or --predictions to add them)"
    )
    print(
        f"project {s['project']!r} ({s['project_state']}): {s['added']} task(s) added, "
        f"{s['existing']} already there; {pre}"
    )
    for doc_id in s["stale"]:
        print(f"warning: {doc_id}: a task holds an older text; pull skips it", file=sys.stderr)
    if s["gold_record_kept"]:
        print(
            f"note: {', '.join(s['gold_record_kept'])}: annotated already, so the gold "
            "recorded at the first push stays (pull compares against it)",
            file=sys.stderr,
        )
    print(f"open {s['url']}")
    return 0


def _pull(args: argparse.Namespace) -> int:
    from .client import connect
    from .pull import pull

    root = _root(args)
    resolve = "overwrite" if args.overwrite_local else "keep" if args.keep_local else None
    if resolve and not args.accept:
        raise UserError("--overwrite-local and --keep-local decide what --accept writes")
    conn = connect(root)
    s = pull(
        conn,
        root,
        project_title=args.project,
        accept=args.accept,
        show_diff=not args.stat,
        resolve=resolve,
    )
    print(
        f"{s['tasks']} task(s), {s['complete']} fully annotated ({len(s['single'])} by one "
        f"annotator, {len(s['double'])} by two): {len(s['changed'])} gold file(s) changed, "
        f"{len(s['unchanged'])} unchanged, {len(s['adjudicate'])} to adjudicate",
        file=sys.stderr,
    )
    for doc_id, p in sorted(s["pending"].items()):
        print(
            f"to adjudicate: {doc_id}: {p['decided']} of {p['disagreements']} disagreement(s) "
            f"decided ({p['why'][0]})",
            file=sys.stderr,
        )
    if s["adjudicate"]:
        where = "annotation/adjudication/<doc_id>.jsonl"
        print(
            f"decide each row of {where} (chosen a/b/other, rule, why), then pull --accept again"
            + ("" if s["accepted"] else "; --accept writes the rows"),
            file=sys.stderr,
        )
    if s["accepted"]:
        print(f"wrote {len(s['written'])} file(s)", file=sys.stderr)
        for path in s["written"]:
            print(f"  {path}", file=sys.stderr)
    elif s["changed"] or s["double"]:
        print("nothing written: rerun with --accept to write these changes", file=sys.stderr)
    return 0


def _users_add(args: argparse.Namespace) -> int:
    from .client import connect
    from .users import add_users

    conn = connect(_root(args))
    rows = add_users(conn, args.names, domain=args.domain)
    for row in rows:
        if row["source"] == "exists":
            print(f"{row['email']} (user {row['id']}): exists already, left alone")
        elif row["password"]:
            print(
                f"{row['email']} (user {row['id']}): created; password {row['password']} "
                "(shown once, stored nowhere: hand it over now)"
            )
        else:
            print(f"{row['email']} (user {row['id']}): created; password from {row['source']}")
    print(f"log in at {conn.url}/user/login/")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from .client import connect
    from .users import list_users

    for u in list_users(connect(_root(args))):
        print(f"{u['id']}\t{u['email']}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "studio",
        help="annotate in Label Studio: config, up, down, status, push, pull, users",
        description="The Label Studio round trip. A team server is used when LABEL_STUDIO_URL "
        "and LABEL_STUDIO_API_KEY are set; otherwise the local one of `studio up`.",
    )
    sub = parser.add_subparsers(dest="studio_command", metavar="ACTION")
    sub.required = True

    def add(name: str, func, help: str, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        p.add_argument("--root", help="repository root (default: TARIFFTALKS_ROOT or checkout)")
        p.set_defaults(func=_os_errors(func))
        return p

    p = add("config", _config, "write annotation/labeling_config.xml from the schema")
    p.add_argument("--check", action="store_true", help="only check the file is up to date")

    p = add("up", _up, "start a local Label Studio (loopback, data in .studio/)")
    p.add_argument(
        "--port", type=port_number, default=8080, help="port on 127.0.0.1 (default 8080)"
    )
    p.add_argument("--timeout", type=float, default=240, help="seconds to wait for start-up")
    p.add_argument(
        "--postgres",
        action="store_true",
        help="on a throwaway PostgreSQL cluster (Debian's postgresql; dropped by `down`) "
        "instead of SQLite",
    )
    add("down", _down, "stop the local Label Studio (and drop its PostgreSQL cluster)")
    add("status", _status, "is the server running (exit 3 when not)")

    p = add("push", _push, "create/update the project; one task per document")
    p.add_argument("--project", default="TariffTalks", help="project title")
    pre = p.add_mutually_exclusive_group()
    pre.add_argument(
        "--gold", action="store_true", help="pre-annotate with the gold (a review round)"
    )
    pre.add_argument("--predictions", help="pre-annotate from a predictions file (scorer format)")
    p.add_argument("--model-version", help="model_version of the pre-annotations")
    p.add_argument(
        "--overlap",
        type=positive_int,
        help="annotators per task (a new project: 2; default: keep the project's)",
    )
    p.add_argument("--batch-size", type=positive_int, default=100, help="tasks per import call")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = add("pull", _pull, "export annotations, validate, agreement, diff against the gold")
    p.add_argument("--project", default="TariffTalks", help="project title")
    p.add_argument(
        "--accept",
        action="store_true",
        help="write: gold files, and for two annotators their passes and adjudication rows",
    )
    p.add_argument("--stat", action="store_true", help="summary only, no diff")
    res = p.add_mutually_exclusive_group()
    res.add_argument(
        "--overwrite-local",
        action="store_true",
        help="a gold file changed since the push: replace it with Label Studio's version",
    )
    res.add_argument(
        "--keep-local",
        action="store_true",
        help="a gold file changed since the push: keep it, skip that document",
    )

    users = sub.add_parser(
        "users", help="annotator accounts: add, list", description="Annotator accounts."
    )
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION")
    users_sub.required = True
    p = add(
        "add",
        _users_add,
        "create annotator accounts (password from TARIFFTALKS_PASSWORD_<NAME>, else generated "
        "and shown once)",
        users_sub,
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="a name (NAME@DOMAIN) or an email")
    p.add_argument("--domain", default="tarifftalks.local", help="email domain for bare names")
    add("list", _users_list, "list the accounts (id and email)", users_sub)
