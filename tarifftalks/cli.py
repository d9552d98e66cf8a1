"""The `tarifftalks` command. Each subcommand lives in the module that owns the work; a module
exposes `register(subparsers)`, which adds its parser and sets `func(args) -> int`.

User mistakes raise `UserError` and end as one line on stderr with exit code 2 — never a traceback;
an OSError that reaches `main` ends the same way, naming its path.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import UserError, os_error_message

# Modules that contribute subcommands, in the order `--help` lists them.
_COMMAND_MODULES = (
    "tarifftalks.commands",
    "tarifftalks.release.rehydrate",
    "tarifftalks.convert",
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


def _quiet_progress_bars() -> None:
    """No `datasets` progress bars when stderr is not a terminal (logs, CI): they only clutter.
    A user's own HF_DATASETS_DISABLE_PROGRESS_BARS wins."""
    if sys.stderr.isatty() or "HF_DATASETS_DISABLE_PROGRESS_BARS" in os.environ:
        return
    os.environ["HF_DATASETS_DISABLE_PROGRESS_BARS"] = "1"  # read when `datasets` is imported
    if "datasets" in sys.modules:  # already imported by an in-process caller
        sys.modules["datasets"].disable_progress_bars()


def main(argv: list[str] | None = None) -> int:
    _quiet_progress_bars()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"tarifftalks {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        # The one boundary for file-system failures no reader foresaw (a folder where a file
        # belongs, a read-only or full disk, a symlink loop): the path and the reason, one line.
        print(f"tarifftalks {args.command}: error: {os_error_message(exc)}", file=sys.stderr)
        return UserError.exit_code
    except KeyboardInterrupt:
        print(f"tarifftalks {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
