"""What each feature group adds: leave-one-story-out (pooled over the real documents) with every
group of one component removed in turn; then the same model trained on every real document and
scored on the challenge split (occasions and layouts never trained on).

    python scripts/ablation.py [--out baselines/ABLATION.md] [--layouts tests/fixtures/layouts]

Components are scored in isolation, each on gold inputs: lines (logistic regression, line
accuracy; also on hand-labelled pages of other layouts when --layouts is given), entities and
triggers (CRF, strict / trigger-C F1), arguments (gold triggers and mentions, arg-C F1), realis
(gold triggers, accuracy). Not part of `tarifftalks baselines` (slow: one retraining per row).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from threadpoolctl import threadpool_limits

from tarifftalks.baselines.crf import TOKEN_GROUPS, CRFTagger, span_counts
from tarifftalks.baselines.data import Doc, load_gold_docs, read_labelled_page
from tarifftalks.baselines.lines import LINE_GROUPS, LineClassifier, line_counts
from tarifftalks.baselines.models import (
    ARG_GROUPS,
    REALIS_GROUPS,
    ArgumentClassifier,
    RealisClassifier,
    argument_counts,
    realis_counts,
)
from tarifftalks.baselines.tuning import inner_folds
from tarifftalks.io import write_text_atomic

Counts = tuple[int, int, int]  # hits or true positives, predicted, gold


def _f1(c: Counts) -> float:
    return 2 * c[0] / (c[1] + c[2]) if c[1] + c[2] else 0.0


def _acc(c: Counts) -> float:
    return c[0] / c[1] if c[1] else 0.0


def _add(a: Counts, b: Counts) -> Counts:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


Component = tuple[tuple[str, ...], Callable[..., Counts], Callable[[Counts], float], str]
COMPONENTS: dict[str, Component] = {
    "lines": (
        LINE_GROUPS,
        lambda g, tr, te: line_counts(LineClassifier(None, g), tr, te),
        _acc,
        "line accuracy",
    ),
    "entities": (
        TOKEN_GROUPS,
        lambda g, tr, te: span_counts(CRFTagger("entities", None, g), tr, te),
        _f1,
        "strict F1",
    ),
    "triggers": (
        TOKEN_GROUPS,
        lambda g, tr, te: span_counts(CRFTagger("events", None, g), tr, te),
        _f1,
        "trigger-C F1",
    ),
    "arguments": (
        ARG_GROUPS,
        lambda g, tr, te: argument_counts(ArgumentClassifier(None, g), tr, te),
        _f1,
        "arg-C F1 (gold triggers, mentions)",
    ),
    "realis": (
        REALIS_GROUPS,
        lambda g, tr, te: realis_counts(RealisClassifier(None, g), tr, te),
        _acc,
        "accuracy (gold triggers)",
    ),
}


def loso(folds: Sequence[tuple[list[Doc], list[Doc]]], fn: Callable[..., Counts], groups) -> Counts:
    total: Counts = (0, 0, 0)
    for train, test in folds:
        total = _add(total, fn(groups, train, test))
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="also write the tables (Markdown) to this file")
    ap.add_argument("--layouts", type=Path, help="folder of hand-labelled pages (label<TAB>text)")
    ap.add_argument("--only", help="comma-separated components (default: all)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs = load_gold_docs()
    real = [d for d in docs.values() if d.split != "challenge"]
    challenge = [d for d in docs.values() if d.split == "challenge"]
    folds = inner_folds(real)
    pages = (
        [read_labelled_page(p) for p in sorted(args.layouts.glob("*.txt"))] if args.layouts else []
    )
    chosen = args.only.split(",") if args.only else list(COMPONENTS)
    out = [
        "# Feature ablation\n",
        f"Leave-one-story-out over {len(real)} real documents ({len(folds)} folds), pooled; each "
        "row removes one feature group; `challenge`: trained on every real document, scored on "
        f"the {len(challenge)} authored documents of the challenge split "
        "(`python scripts/ablation.py`).\n",
    ]
    with threadpool_limits(limits=1):
        for name in chosen:
            groups, fn, metric, label = COMPONENTS[name]
            # Held-out sets scored beside LOSO: the challenge split; hand-labelled layouts (lines).
            held = [("challenge", challenge)] if challenge else []
            if name == "lines" and pages:
                held.append(("held-out layouts", pages))
            head = f"| {name}: features | LOSO {label} | Δ |" + "".join(
                f" {title} | Δ |" for title, _ in held
            )
            rows = [head, "|---|---:|---:|" + "---:|---:|" * len(held)]
            variants: list[tuple[str, frozenset[str]]] = [("all", frozenset(groups))]
            variants += [(f"− {g}", frozenset(groups) - {g}) for g in groups]
            full: list[float] = []
            for title, g in variants:
                scores = [metric(loso(folds, fn, g))]
                scores += [metric(fn(g, real, docs_)) for _, docs_ in held]
                full = full or scores
                rows.append(
                    f"| {title} |"
                    + "".join(
                        f" {100 * sc:.1f} | {100 * (sc - f):+.1f} |"
                        for sc, f in zip(scores, full, strict=True)
                    )
                )
                print(rows[-1], file=sys.stderr)
            out.append("\n".join(rows) + "\n")
    text = "\n".join(out)
    sys.stdout.write(text)
    if args.out:
        write_text_atomic(args.out, text)
    print(f"ablation: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
