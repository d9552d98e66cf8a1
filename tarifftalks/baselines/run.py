"""`tarifftalks baselines`: train, predict, score with the benchmark scorer, write the leaderboard.

Systems (each predicts every layer it can; the others stay empty):
  majority   boilerplate: the most frequent training label; nothing else
  justext    boilerplate: jusText's paragraph classifier, untrained
  lexicon    entities and triggers: exact-match lexicons of the training spans; realis majority
  sklearn    logistic-regression pipelines: line classifier, BIO entity tagger, BIO trigger
             tagger+typer, argument role classifier over (trigger, mention) pairs, realis;
             event coreference within and across documents: the type-and-stem reference
             (`baselines/coref.py`)

Two protocols: the official split (train → test) and leave-one-story-out cross-validation over
all documents (each story predicted by a model trained on the other stories), which is steadier
on a corpus this small. Outputs: baselines/results.json, baselines/README.md and
baselines/predictions/<system>.test.jsonl. No model is pickled or shipped.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from .. import paths
from ..io import write_text_atomic
from .coref import add_stem_clusters
from .data import Doc, load_docs
from .models import (
    ArgumentClassifier,
    JusTextLines,
    LexiconTagger,
    LineClassifier,
    MajorityLines,
    RealisClassifier,
    SpanTagger,
)

# The layers each system predicts; it is scored on those only.
SYSTEMS: dict[str, tuple[str, ...]] = {
    "majority": ("boilerplate",),
    "justext": ("boilerplate",),
    "lexicon": ("entities", "events"),
    "sklearn": ("boilerplate", "entities", "events", "coreference"),
}
SEED_NOTE = "deterministic: lbfgs logistic regression, sorted features, no random state"


def _events_record(triggers, args_by_trigger, realis) -> list[dict[str, Any]]:
    return [
        {
            "trigger": {"start": s, "end": e},
            "type": t,
            "realis": r,
            "arguments": sorted(
                args_by_trigger.get((s, e), []), key=lambda a: (a["start"], a["role"])
            ),
        }
        for (s, e, t), r in zip(triggers, realis, strict=True)
    ]


def train_predict(system: str, train: list[Doc], test: list[Doc]) -> list[dict[str, Any]]:
    """Prediction records (scorer format) for `test` from a model trained on `train`."""
    records = [{"doc_id": d.doc_id} for d in test]
    if system in ("majority", "justext", "sklearn"):
        model = {"majority": MajorityLines, "justext": JusTextLines, "sklearn": LineClassifier}[
            system
        ]()
        for rec, d, labels in zip(records, test, model.fit(train).predict(test), strict=True):
            rec["lines"] = [
                {"start": ln["start"], "end": ln["end"], "label": lab}
                for ln, lab in zip(d.lines, labels, strict=True)
            ]
    if system in ("lexicon", "sklearn"):
        tagger = LexiconTagger if system == "lexicon" else SpanTagger
        ents = tagger("entities").fit(train).predict(test)
        trigs = tagger("events").fit(train).predict(test)
        counts = Counter(e["realis"] for d in train for e in d.events)
        majority_realis = min(counts, key=lambda k: (-counts[k], k)) if counts else "actual"
        argc = ArgumentClassifier().fit(train) if system == "sklearn" else None
        realc = RealisClassifier().fit(train) if system == "sklearn" else None
        for rec, d, es, ts in zip(records, test, ents, trigs, strict=True):
            rec["entities"] = [{"start": s, "end": e, "type": t} for s, e, t in es]
            args = argc.predict_doc(d, ts, es) if argc else {}
            realis = realc.predict_doc(d, ts) if realc else [majority_realis] * len(ts)
            rec["events"] = _events_record(ts, args, realis)
    if system == "sklearn":
        add_stem_clusters(records, {d.doc_id: d.text for d in test})
    return records


def _headline(result: dict[str, Any]) -> dict[str, tuple[float, list[float] | None] | None]:
    """The leaderboard's columns, (value, 95% interval), from the scorer's result."""
    where = {
        "lines_acc": ("boilerplate", "accuracy", "accuracy"),
        "lines_macro_f1": ("boilerplate", "macro_f1", "f1"),
        "ent_strict_f1": ("entities", "strict", "f1"),
        "trig_c_f1": ("events", "trigger_c", "f1"),
        "arg_c_f1": ("events", "arg_c", "f1"),
        "realis_acc": ("events", "realis", "accuracy"),
    }
    out: dict[str, tuple[float, list[float] | None] | None] = {}
    for col, path in where.items():
        node: Any = result
        for p in path[:-1]:
            node = node.get(p, {}) if isinstance(node, dict) else {}
        value = node.get(path[-1]) if isinstance(node, dict) else None
        out[col] = None if value is None else (value, node.get("ci", {}).get(path[-1]))
    return out


def check_predictions(preds: list[dict[str, Any]], texts: dict[str, str], system: str) -> None:
    from ..errors import UserError
    from ..scoring.predictions import parse_predictions

    _, problems = parse_predictions([json.dumps(p) for p in preds], texts)
    if problems:
        n, msg = problems[0]
        raise UserError(f"baseline {system}: invalid prediction (record {n}): {msg}")


def run_baselines(root: Path | None = None, bootstrap: int = 1000, log=print) -> dict[str, Any]:
    from ..scoring.cli import load_split_gold
    from ..scoring.predictions import write_predictions
    from ..scoring.score import score

    root = root or paths.repo_root()
    dataset = paths.dataset_dir(root)
    splits = load_docs(dataset)
    all_docs = {k: v for s in splits.values() for k, v in s.items()}
    gold_test, texts = load_split_gold("test")
    gold_all, _ = load_split_gold("all")
    folds = json.loads((dataset / "folds.json").read_text())
    out_dir = root / "baselines"
    results: dict[str, Any] = {"protocols": {}, "note": SEED_NOTE}
    for system, layers in SYSTEMS.items():
        t0 = time.perf_counter()
        preds = train_predict(system, list(splits["train"].values()), list(splits["test"].values()))
        # A baseline must produce what the scorer accepts: validate before writing.
        check_predictions(preds, texts, system)
        write_predictions(out_dir / "predictions" / f"{system}.test.jsonl", preds)
        res_test = score(
            gold_test, {p["doc_id"]: p for p in preds}, texts, layers, n_resamples=bootstrap
        )
        cv_preds: dict[str, dict] = {}
        for fold in folds:
            train = [all_docs[i] for i in fold["train"]]
            test = [all_docs[i] for i in fold["test"]]
            fold_preds = train_predict(system, train, test)
            check_predictions(fold_preds, texts, system)
            cv_preds.update((p["doc_id"], p) for p in fold_preds)
        res_cv = score(gold_all, cv_preds, texts, layers, n_resamples=bootstrap)
        results["protocols"].setdefault("test", {})[system] = res_test
        results["protocols"].setdefault("loso", {})[system] = res_cv
        log(f"  {system:<9} done in {time.perf_counter() - t0:.1f}s")
    write_text_atomic(
        out_dir / "results.json", json.dumps(results, indent=2, sort_keys=True) + "\n"
    )
    write_text_atomic(out_dir / "README.md", leaderboard_markdown(results))
    return results


def _fmt(x: tuple[float, list[float] | None] | None) -> str:
    if x is None:
        return "—"
    value, ci = x
    return f"{100 * value:.1f}" + (f" [{100 * ci[0]:.0f}–{100 * ci[1]:.0f}]" if ci else "")


def leaderboard_markdown(results: dict[str, Any]) -> str:
    cols = ["lines_acc", "lines_macro_f1", "ent_strict_f1", "trig_c_f1", "arg_c_f1", "realis_acc"]
    head = (
        "| system | line acc | line macro-F1 | entity strict F1 | trigger-C F1 | arg-C F1 | "
        "realis acc |\n|---|" + "---:|" * len(cols)
    )
    parts = [
        "# TariffTalks baselines\n",
        "Generated by `tarifftalks baselines` (scores in %, from `tarifftalks score`; "
        "95% document-bootstrap intervals in brackets; all figures in `results.json`). "
        "Systems are described in `tarifftalks/baselines/run.py`; " + SEED_NOTE + ".\n",
    ]
    titles = {
        "test": "## Official split: train → test",
        "loso": "## Leave-one-story-out cross-validation (all documents)",
    }
    for proto, title in titles.items():
        rows = []
        for system, res in results["protocols"][proto].items():
            h = _headline(res)
            rows.append(f"| {system} | " + " | ".join(_fmt(h[c]) for c in cols) + " |")
        parts.append(f"{title}\n\n{head}\n" + "\n".join(rows) + "\n")
    parts.append(
        "Reproduce: `tarifftalks baselines`; score any run: "
        "`tarifftalks score --split test --pred baselines/predictions/sklearn.test.jsonl`.\n"
    )
    return "\n".join(parts)


def cmd_baselines(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    print("training and scoring baselines")
    results = run_baselines(root, bootstrap=args.bootstrap)
    print((root / "baselines" / "README.md").read_text())
    return 0 if results else 1
