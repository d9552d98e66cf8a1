"""The `baselines` subcommand."""

from __future__ import annotations

import argparse

from ..argtypes import bootstrap_count


def _run(args: argparse.Namespace) -> int:
    # imported when the command runs: scikit-learn costs seconds, and every command builds the
    # parser (e.g. `tarifftalks validate` does not need it)
    from .run import cmd_baselines

    return cmd_baselines(args)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("baselines", help="train, predict and score the baselines; leaderboard")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.add_argument(
        "--bootstrap", type=bootstrap_count, default=1000, help="bootstrap resamples (0: none)"
    )
    p.add_argument(
        "--learning-curve",
        action="store_true",
        help="also retrain on growing training sets and draw baselines/learning_curve.png (slow)",
    )
    p.set_defaults(func=_run)
