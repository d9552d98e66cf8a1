"""`tarifftalks baselines`: train, predict, score with the benchmark scorer, write the leaderboard.

The systems are described in `systems.py`. Three protocols, all trained on real (scraped)
documents only:
  loso       leave-one-story-out over the real documents (dataset/folds.json), every document
             predicted once by a model that never saw its story, scored pooled: the protocol
  challenge  train on every real document, test on the `challenge` split (documents the project
             wrote itself: other occasions, other page layouts); skipped while there is none
  test       the frozen split: train on `train`, test on `test`
Outputs: baselines/results.json (byte-identical across runs: no timings), baselines/README.md
(leaderboard) and baselines/predictions/<system>.<protocol>.jsonl for test and challenge. Timings
go to the terminal only. No model is pickled or shipped.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import UserError
from ..io import write_text_atomic
from .data import Doc, load_docs
from .report import leaderboard_markdown
from .systems import SYSTEMS, Cache, best_systems, train_predict, tuned_params

SEED_NOTE = (
    "deterministic: lbfgs logistic regression and L-BFGS CRFs, sorted features, no random state"
)
PROTOCOLS: tuple[str, ...] = ("loso", "challenge", "test")
FROZEN = ("train", "validation", "test")


def check_predictions(preds: list[dict[str, Any]], texts: dict[str, str], system: str) -> None:
    from ..scoring.predictions import parse_predictions

    _, problems = parse_predictions([json.dumps(p) for p in preds], texts)
    if problems:
        n, msg = problems[0]
        raise UserError(f"baseline {system}: invalid prediction (record {n}): {msg}")


def read_folds(path: Path) -> list[dict[str, Any]]:
    """dataset/folds.json: a list of {"heldout_story", "train": [ids], "test": [ids]}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: not found (run `tarifftalks build`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: cannot read ({exc})") from None
    ok = isinstance(data, list) and all(
        isinstance(f, dict)
        and isinstance(f.get("heldout_story"), str)
        and all(
            isinstance(f.get(k), list) and all(isinstance(i, str) for i in f[k])
            for k in ("train", "test")
        )
        for f in data
    )
    if not ok:
        raise UserError(f"{path}: expected a list of {{heldout_story, train: [ids], test: [ids]}}")
    return data


def events_per_type(gold: dict[str, Any], preds: dict[str, Any]) -> dict[str, Any]:
    """Trigger-C and arg-C P/R/F1 per event type, pooled over the documents (no intervals)."""
    from ..scoring.docs import as_doc
    from ..scoring.events import arg_c, trigger_c
    from ..scoring.spans import prf_from_counts, to_python

    counts: dict[str, dict[str, list[int]]] = {}
    for doc_id in sorted(gold):
        g, p = as_doc(gold[doc_id]), as_doc(preds.get(doc_id))
        for name, fn, type_at in (("trigger_c", trigger_c, 2), ("arg_c", arg_c, 2)):
            gs, ps = set(fn(g)), set(fn(p))
            for t in sorted({x[type_at] for x in gs | ps}):
                c = counts.setdefault(t, {}).setdefault(name, [0, 0, 0])
                gt = {x for x in gs if x[type_at] == t}
                pt = {x for x in ps if x[type_at] == t}
                c[0] += len(gt & pt)
                c[1] += len(pt)
                c[2] += len(gt)
    out: dict[str, Any] = {}
    for t, by in sorted(counts.items()):
        out[t] = {}
        for name, (tp, n_pred, n_gold) in sorted(by.items()):
            out[t][name] = {**prf_from_counts(tp, n_pred, n_gold), "n_gold": n_gold}
    return to_python(out)


def _protocol_sets(
    splits: dict[str, dict[str, Doc]], folds: list[dict[str, Any]]
) -> dict[str, list[tuple[list[str], list[str]]]]:
    """protocol -> [(train ids, test ids)]; a protocol without test documents is absent."""
    real = sorted(i for s in FROZEN for i in splits.get(s, {}))
    challenge = sorted(splits.get("challenge", {}))
    out: dict[str, list[tuple[list[str], list[str]]]] = {}
    # A fold without training documents (a corpus of one story) cannot be run.
    loso = [(sorted(f["train"]), sorted(f["test"])) for f in folds if f["train"]]
    if loso:
        out["loso"] = loso
    if challenge and real:
        out["challenge"] = [(real, challenge)]
    if splits.get("test") and splits.get("train"):
        out["test"] = [(sorted(splits.get("train", {})), sorted(splits["test"]))]
    return out


def run_baselines(
    root: Path | None = None,
    bootstrap: int = 1000,
    log: Callable[..., Any] = print,
    systems: tuple[str, ...] = tuple(SYSTEMS),
) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    from ..scoring.cli import load_split_gold
    from ..scoring.predictions import write_predictions
    from ..scoring.score import score

    root = root or paths.repo_root()
    dataset = paths.dataset_dir(root)
    t0 = time.perf_counter()
    splits = load_docs(dataset, paths.kb_path(root))
    docs = {k: v for s in splits.values() for k, v in s.items()}
    gold_all, texts = load_split_gold("all")
    folds = read_folds(dataset / "folds.json")
    sets = _protocol_sets(splits, folds)
    log(f"  loaded {len(docs)} documents in {time.perf_counter() - t0:.1f}s")
    if "challenge" not in sets:
        log("  challenge split: none in the dataset yet (no authored documents); skipped")
    out_dir = root / "baselines"
    results: dict[str, Any] = {"note": SEED_NOTE, "protocols": {}, "best_choice": {}, "data": {}}
    cache = Cache()
    # BLAS threads fight over the two cores of a shared machine (6x slower): one thread.
    with threadpool_limits(limits=1):
        for proto in PROTOCOLS:
            if proto not in sets:
                continue
            test_ids = sorted({i for _, te in sets[proto] for i in te})
            gold = {i: gold_all[i] for i in test_ids}
            results["data"][proto] = {
                "documents": len(test_ids),
                "stories": len({docs[i].story_id for i in test_ids}),
                "folds": len(sets[proto]),
            }
            for system in systems:
                t1 = time.perf_counter()
                preds: dict[str, dict[str, Any]] = {}
                for train_ids, te in sets[proto]:
                    train, test = [docs[i] for i in train_ids], [docs[i] for i in te]
                    recs = train_predict(system, train, test, cache)
                    # A baseline must produce what the scorer accepts: validate before writing.
                    check_predictions(recs, texts, system)
                    preds.update((r["doc_id"], r) for r in recs)
                    if system == "best":
                        choice = best_systems(train, cache)
                        where = results["best_choice"].setdefault(proto, {})
                        key = (
                            next(iter({docs[i].story_id for i in te})) if proto == "loso" else "all"
                        )
                        where[key] = choice
                res = score(gold, preds, texts, SYSTEMS[system], n_resamples=bootstrap)
                if "events" in res:
                    res["events"]["per_type"] = events_per_type(gold, preds)
                results["protocols"].setdefault(proto, {})[system] = res
                if proto != "loso":
                    write_predictions(
                        out_dir / "predictions" / f"{system}.{proto}.jsonl",
                        [preds[i] for i in test_ids],
                    )
                log(f"  {proto:<9} {system:<9} {time.perf_counter() - t1:5.1f}s")
        # What `tarifftalks predict` uses: the choice made on every real document (its inner
        # folds are the leave-one-story-out folds above, already fitted).
        real = [docs[i] for s in FROZEN for i in splits.get(s, {})]
        results["predict_choice"] = best_systems(real, cache)
        # ...and the hyper-parameters its models chose there, so `predict` need not tune again.
        results["predict_params"] = tuned_params(results["predict_choice"], real, cache)
    write_text_atomic(
        out_dir / "results.json", json.dumps(results, indent=2, sort_keys=True) + "\n"
    )
    write_text_atomic(out_dir / "README.md", leaderboard_markdown(results))
    log(f"  total {time.perf_counter() - t0:.1f}s")
    return results


def cmd_baselines(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    if args.bootstrap < 0:
        raise UserError("--bootstrap: must be 0 or more")
    print("training and scoring baselines")
    results = run_baselines(root, bootstrap=args.bootstrap)
    if args.learning_curve:
        from .curve import learning_curve

        learning_curve(root, log=print)
    print((root / "baselines" / "README.md").read_text(encoding="utf-8"))
    return 0 if results else 1
