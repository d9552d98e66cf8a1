"""The `tarifftalks` command. Each subcommand lives in the module that owns the work; a module
exposes `register(subparsers)`, which adds its parser and sets `func(args) -> int`.

User mistakes raise `UserError` and end as one line on stderr with exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import UserError

# Modules that contribute subcommands, in the order `--help` lists them.
_COMMAND_MODULES = (
    "tarifftalks.commands",
    "tarifftalks.corpus.ingest",
    "tarifftalks.agreement",
    "tarifftalks.adjudication",
    "tarifftalks.scoring.cli",
    "tarifftalks.studio.cli",
    "tarifftalks.baselines.cli",
    "tarifftalks.baselines.predict",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tarifftalks", description="TariffTalks: build, validate, score, annotate."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"tarifftalks {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"tarifftalks {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
