"""`tarifftalks studio config | up | down | status | push | pull`."""

from __future__ import annotations

import argparse
import os
import sys
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


def _up(args: argparse.Namespace) -> int:
    from . import server

    root = _root(args)
    state = server.up(root, port=args.port, timeout=args.timeout)
    verb = "already running" if state["already"] else "started"
    admin = server.state_dir(root) / "admin.json"
    print(f"Label Studio {verb} at {state['url']} (pid {state['pid']})")
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
    print(f"local Label Studio: running at {state['url']} (pid {state['pid']})")
    print(f"data: {state['data_dir']}; log: {state['log']}")
    return 0


def _push(args: argparse.Namespace) -> int:
    from .client import connect
    from .push import push

    root = _root(args)
    if len(args.project) < 3:
        raise UserError("--project: Label Studio needs a title of at least 3 characters")
    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    conn = connect(root)
    s = push(
        conn,
        root,
        project_title=args.project,
        predictions=Path(args.predictions) if args.predictions else None,
        model_version=args.model_version,
        batch_size=args.batch_size,
        progress=not args.quiet,
    )
    print(
        f"project {s['project']!r} ({s['project_state']}): {s['added']} task(s) added, "
        f"{s['existing']} already there; predictions {s['model_version']!r}: "
        f"{s['predictions_added']} added, {s['predictions_updated']} updated"
    )
    for doc_id in s["stale"]:
        print(f"warning: {doc_id}: a task holds an older text; pull skips it", file=sys.stderr)
    print(f"open {s['url']}")
    return 0


def _pull(args: argparse.Namespace) -> int:
    from .client import connect
    from .pull import pull

    root = _root(args)
    conn = connect(root)
    s = pull(conn, root, project_title=args.project, accept=args.accept, show_diff=not args.stat)
    print(
        f"{s['tasks']} task(s), {s['annotated']} annotated: {len(s['changed'])} changed, "
        f"{len(s['unchanged'])} unchanged, {len(s['adjudicate'])} to adjudicate",
        file=sys.stderr,
    )
    if s["adjudicate"]:
        print(
            f"to adjudicate ({', '.join(s['adjudicate'])}): see {s['adjudication_dir']}; mark one "
            "annotation as ground truth in Label Studio, then pull again",
            file=sys.stderr,
        )
    if s["changed"]:
        if s["written"]:
            print(f"wrote {len(s['changed'])} gold file(s)", file=sys.stderr)
        else:
            print("nothing written: rerun with --accept to write these changes", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "studio",
        help="annotate in Label Studio: config, up, down, status, push, pull",
        description="The Label Studio round trip. A team server is used when LABEL_STUDIO_URL "
        "and LABEL_STUDIO_API_KEY are set; otherwise the local one of `studio up`.",
    )
    sub = parser.add_subparsers(dest="studio_command", metavar="ACTION")
    sub.required = True

    def add(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("--root", help="repository root (default: TARIFFTALKS_ROOT or checkout)")
        p.set_defaults(func=func)
        return p

    p = add("config", _config, "write annotation/labeling_config.xml from the schema")
    p.add_argument("--check", action="store_true", help="only check the file is up to date")

    p = add("up", _up, "start a local Label Studio (loopback, data in .studio/)")
    p.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default 8080)")
    p.add_argument("--timeout", type=float, default=240, help="seconds to wait for start-up")
    add("down", _down, "stop the local Label Studio")
    add("status", _status, "is the server running (exit 3 when not)")

    p = add("push", _push, "create/update the project; one task per document, pre-annotated")
    p.add_argument("--project", default="TariffTalks", help="project title")
    p.add_argument("--predictions", help="pre-annotate from a predictions file (scorer format)")
    p.add_argument("--model-version", help="model_version of the predictions")
    p.add_argument("--batch-size", type=int, default=100, help="tasks per import call")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = add("pull", _pull, "export annotations, validate, diff against the gold")
    p.add_argument("--project", default="TariffTalks", help="project title")
    p.add_argument("--accept", action="store_true", help="write the new gold files")
    p.add_argument("--stat", action="store_true", help="summary only, no diff")
