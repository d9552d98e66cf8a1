"""Learning curve: pooled leave-one-story-out figures per layer against the number of training
documents (baselines/learning_curve.png and .json). Not part of the timed `baselines` run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import paths
from ..io import write_bytes_atomic, write_text_atomic
from .data import Doc, load_docs
from .systems import Cache, train_predict

CURVE_SYSTEMS: tuple[str, ...] = ("sklearn", "crf", "best")
CURVE_FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("line accuracy", ("boilerplate", "accuracy", "accuracy")),
    ("entity strict F1", ("entities", "strict", "f1")),
    ("trigger-C F1", ("events", "trigger_c", "f1")),
    ("arg-C F1", ("events", "arg_c", "f1")),
)


def growing_subsets(train: list[Doc]) -> list[list[Doc]]:
    """Training sets of 1, 2, … documents, each containing the previous; stories take turns so a
    small set is not one story (first documents of every story, then the second ones, …)."""
    by_story: dict[str, list[Doc]] = {}
    for d in sorted(train, key=lambda d: d.doc_id):
        by_story.setdefault(d.story_id, []).append(d)
    order = [
        docs[k]
        for k in range(max((len(v) for v in by_story.values()), default=0))
        for _, docs in sorted(by_story.items())
        if k < len(docs)
    ]
    return [order[: k + 1] for k in range(len(order))]


def curve_points(
    docs: dict[str, Doc], folds: list[dict[str, Any]], gold: dict[str, Any], texts: dict[str, str]
) -> dict[str, Any]:
    """{system: {figure: [[n_train, value, n_folds], …]}} pooled over the folds that have n_train
    training documents."""
    from ..scoring.score import score

    cache = Cache()
    out: dict[str, Any] = {}
    for system in CURVE_SYSTEMS:
        by_n: dict[int, dict[str, Any]] = {}
        n_folds: dict[int, int] = {}
        for f in folds:
            train = [docs[i] for i in f["train"]]
            test = [docs[i] for i in f["test"]]
            for subset in growing_subsets(train):
                preds = train_predict(system, subset, test, cache)
                by_n.setdefault(len(subset), {}).update((p["doc_id"], p) for p in preds)
                n_folds[len(subset)] = n_folds.get(len(subset), 0) + 1
        out[system] = {}
        for n in sorted(by_n):
            ids = sorted(by_n[n])
            res = score({i: gold[i] for i in ids}, by_n[n], texts, n_resamples=0)
            for name, path in CURVE_FIGURES:
                node: Any = res
                for p in path:
                    node = node.get(p, {}) if isinstance(node, dict) else {}
                if isinstance(node, float | int):
                    out[system].setdefault(name, []).append([n, float(node), n_folds[n]])
    return out


def plot(points: dict[str, Any], path: Path) -> None:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, len(CURVE_FIGURES), figsize=(4 * len(CURVE_FIGURES), 3.4))
    for ax, (name, _) in zip(axes, CURVE_FIGURES, strict=True):
        for system, figs in points.items():
            xs = [p[0] for p in figs.get(name, [])]
            ys = [100 * p[1] for p in figs.get(name, [])]
            ax.plot(xs, ys, marker="o", label=system)
        ax.set_title(name)
        ax.set_xlabel("training documents")
        ax.set_ylim(0, 100)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("pooled leave-one-story-out, %")
    axes[-1].legend(loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    # No timestamp or version in the PNG: the same points give the same bytes.
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    write_bytes_atomic(path, buf.getvalue())


def learning_curve(root: Path | None = None, log: Callable[..., Any] = print) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    from ..scoring.cli import load_split_gold
    from .run import FROZEN, read_folds

    root = root or paths.repo_root()
    splits = load_docs(paths.dataset_dir(root), paths.kb_path(root))
    docs = {k: v for s in FROZEN for k, v in splits.get(s, {}).items()}
    gold, texts = load_split_gold("all")
    folds = read_folds(paths.dataset_dir(root) / "folds.json")
    with threadpool_limits(limits=1):
        points = curve_points(docs, folds, gold, texts)
    out = root / "baselines"
    write_text_atomic(
        out / "learning_curve.json", json.dumps(points, indent=2, sort_keys=True) + "\n"
    )
    plot(points, out / "learning_curve.png")
    log(f"  learning curve: {out / 'learning_curve.png'}")
    return points
