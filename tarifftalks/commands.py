"""`tarifftalks validate` and `tarifftalks build`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import paths
from .corpus import load_documents
from .corpus.status import pending_line, statuses
from .gold import read_gold_dir, read_kb


def cmd_validate(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    docs = load_documents(root)
    folders = [Path(g) for g in args.gold] if args.gold else [paths.gold_dir(root)]
    kb = read_kb(paths.kb_path(root))
    from .validate import validate_dir

    problems: list[str] = []
    checked = 0
    for folder in folders:
        gold = read_gold_dir(folder)
        checked += len(gold)
        # A document without a gold file is pending (listed below), not a problem.
        problems += validate_dir(gold, docs, kb, folder, require_all=False)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} file(s)", file=sys.stderr)
        return 1
    pending = pending_line(statuses([d.doc_id for d in docs], root))
    if pending and not args.gold:
        print(pending)
    listed = {d.file for d in docs}
    for path in sorted(paths.seeds_dir(root).glob("*.txt")):
        if path.name not in listed:
            print(f"warning: {path}: not in the manifest (left by an interrupted ingest?)")
    print(f"ok: {checked} gold file(s), {len(docs)} document(s), {len(kb)} KB entries")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .release import build_dataset

    root = Path(args.root).resolve() if args.root else paths.repo_root()
    t0 = time.perf_counter()
    log = (lambda *a, **k: None) if args.quiet else print
    log(f"building {args.out or paths.dataset_dir(root)}")
    result = build_dataset(root, Path(args.out).resolve() if args.out else None, log=log)
    log(
        f"built {result['documents']} documents into {result['out']} in "
        f"{time.perf_counter() - t0:.1f}s; fingerprint {result['fingerprint'][:16]}"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check seeds, manifest and gold (docs/DESIGN.md §4.4)")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.add_argument(
        "--gold", action="append", help="gold folder to check (repeatable; default annotation/gold)"
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="kept for old scripts: documents without gold are always listed as pending",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="write dataset/: Parquet configs, card, croissant")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.add_argument("--out", help="output folder (default: <root>/dataset)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_build)
