"""`tarifftalks predict`: pre-annotations for any documents, from the baselines (docs/DESIGN.md
§10).

The baselines are trained on the fly (no pickles) on every adjudicated document of the built
dataset (all splits), with the hyper-parameters `tarifftalks baselines` chose on the real
documents (`predict_params` in baselines/results.json; tuned again where absent), and predict
documents from their text alone: lines from `text.iter_lines`, sentences and tokens from
`text.sentences`. Only the chosen system of each layer is trained. A system that labels lines
decides which of them are content: the span layers read only those lines, as annotators only
mark entities and events in the title and body.

Several systems compose: each layer comes from the first listed system that predicts it
(`--systems justext sklearn`: lines from jusText, entities and events from scikit-learn).
The output is the scorer's prediction format, accepted by `tarifftalks score` and by
`tarifftalks studio push --predictions FILE`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from .. import paths, schema
from ..corpus import Document, load_documents
from ..corpus.status import statuses
from ..errors import UserError
from ..text import iter_lines, sentences
from .coref import add_stem_clusters
from .data import Doc, load_docs
from .run import SYSTEMS, check_predictions
from .systems import Cache, predict_documents, recorded_choice, recorded_params

# The prediction layer each of the baselines' scored layers is written to.
_LAYER_KEY = {"boilerplate": "lines", "entities": "entities", "events": "events"}
DEFAULT_SYSTEMS = ("sklearn",)


def text_only(doc: Document) -> Doc:
    """A document as the baselines see it, built from its text: no labels, no gold."""
    lines = iter_lines(doc.text)
    sents = [
        (s.start, s.end, [(t.start, t.end) for t in s.tokens])
        for ln in lines
        for s in sentences(doc.text, ln)
    ]
    return Doc(
        doc_id=doc.doc_id,
        text=doc.text,
        lines=[{"start": ln.start, "end": ln.end, "label": None} for ln in lines],
        sentences=sents,
    )


def training_docs(root: Path, log=print) -> list[Doc]:
    """Every document of the built dataset (the adjudicated gold at the last build)."""
    dataset = paths.dataset_dir(root)
    splits = load_docs(dataset)
    docs = sorted((d for s in splits.values() for d in s.values()), key=lambda d: d.doc_id)
    built = {d.doc_id for d in docs}
    status = statuses((d.doc_id for d in load_documents(root)), root)
    adjudicated = {k for k, v in status.items() if v == "adjudicated"}
    if built != adjudicated:
        log(
            f"warning: {dataset} holds {len(built)} document(s), the gold {len(adjudicated)}: "
            "run `tarifftalks build` to train on the latest gold"
        )
    return docs


def _inside(span: dict[str, Any], content: list[tuple[int, int]]) -> bool:
    return any(s <= span["start"] and span["end"] <= e for s, e in content)


def keep_content(record: dict[str, Any]) -> dict[str, Any]:
    """Drop entities, triggers and arguments outside the lines predicted as title/body."""
    if "lines" not in record:
        return record
    content = [
        (ln["start"], ln["end"]) for ln in record["lines"] if ln["label"] in schema.CONTENT_LABELS
    ]
    out = dict(record)
    if "entities" in out:
        out["entities"] = [e for e in out["entities"] if _inside(e, content)]
    if "events" in out:
        out["events"] = [
            {**ev, "arguments": [a for a in ev["arguments"] if _inside(a, content)]}
            for ev in out["events"]
            if _inside(ev["trigger"], content)
        ]
    return out


def choice_of_systems(systems: tuple[str, ...]) -> dict[str, str]:
    """{prediction key: system}: each layer from the first listed system that predicts it."""
    choice: dict[str, str] = {}
    for system in systems:
        for layer in SYSTEMS[system]:
            if layer in _LAYER_KEY:
                choice.setdefault(_LAYER_KEY[layer], system)
    return choice


def best_choice(root: Path) -> dict[str, str]:
    """{prediction key: system}: the best system per layer that `tarifftalks baselines` chose on
    every real document (`predict_choice` in baselines/results.json, chosen inside training
    folds only), else the scikit-learn pipelines."""
    recorded = recorded_choice(root / "baselines" / "results.json")
    if recorded is None:
        return choice_of_systems(DEFAULT_SYSTEMS)
    return {_LAYER_KEY[layer]: system for layer, system in recorded.items()}


def predict(
    targets: list[Document],
    train: list[Doc],
    choice: dict[str, str],
    log=print,
    params: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Prediction records (scorer format) for `targets`; `choice` maps each prediction layer
    (lines, entities, events) to the system that predicts it; `params`: fixed hyper-parameters
    (`systems.TUNED` keys), the others tuned on `train`."""
    docs = [text_only(d) for d in targets]
    texts = {d.doc_id: d.text for d in targets}
    by_layer = {layer: choice[key] for layer, key in _LAYER_KEY.items() if key in choice}
    t0 = time.perf_counter()
    records = predict_documents(train, docs, by_layer, Cache(params))
    if "coreference" in SYSTEMS.get(choice.get("events", ""), ()):
        add_stem_clusters(records, texts)  # the systems' type-and-stem event coreference
    systems = "+".join(dict.fromkeys(choice.values()))
    check_predictions(records, texts, systems)
    log(
        "  "
        + ", ".join(f"{key}: {system}" for key, system in choice.items())
        + f" ({time.perf_counter() - t0:.1f}s)"
    )
    return [{**keep_content(r), "model_version": f"baseline-{systems}"} for r in records]


def select(root: Path, doc_ids: list[str] | None, unannotated: bool) -> list[Document]:
    docs = load_documents(root)
    by_id = {d.doc_id: d for d in docs}
    if doc_ids:
        unknown = [i for i in doc_ids if i not in by_id]
        if unknown:
            raise UserError(f"--docs: no document {', '.join(unknown)} in seeds/manifest.jsonl")
        return [by_id[i] for i in sorted(set(doc_ids))]
    status = statuses(by_id, root)
    wanted = {"unannotated"} if unannotated else {"unannotated", "passes"}
    chosen = [d for d in docs if status[d.doc_id] in wanted]
    if not chosen:
        raise UserError(
            f"no {' or '.join(sorted(wanted))} document among {len(docs)}: name some with --docs"
        )
    return chosen


def cmd_predict(args: argparse.Namespace) -> int:
    from ..scoring.predictions import write_predictions

    root = Path(args.root).resolve() if args.root else paths.repo_root()
    if args.systems:
        systems = tuple(dict.fromkeys(args.systems))
        unknown = [s for s in systems if s not in SYSTEMS]
        if unknown:
            raise UserError(
                f"--systems: unknown {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}"
            )
        choice = choice_of_systems(systems)
    else:
        choice = best_choice(root)
    out = Path(args.out)
    if out.is_dir():
        raise UserError(f"{out}: is a folder, expected a file")
    targets = select(root, args.docs, args.unannotated)
    train = training_docs(root)
    print(f"training on {len(train)} adjudicated document(s); predicting {len(targets)}")
    params = recorded_params(root / "baselines" / "results.json")
    records = predict(targets, train, choice, params=params)
    try:
        write_predictions(out, records)
    except OSError as exc:
        raise UserError(f"{out}: cannot write ({exc.strerror})") from None
    print(
        f"wrote {len(records)} prediction(s) ({records[0]['model_version']}) to {out}; "
        f"pre-annotate: tarifftalks studio push --predictions {out}"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "predict",
        help="pre-annotate documents with the baselines (trained on the adjudicated gold)",
        description="Train the baselines on dataset/ and predict documents from their text, in "
        "the scorer's format. Default: every document without gold.",
    )
    p.add_argument("--root", help="checkout root (default: this checkout)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--docs", nargs="+", metavar="ID", help="these documents")
    which.add_argument(
        "--unannotated", action="store_true", help="documents with neither passes nor gold"
    )
    p.add_argument(
        "--systems",
        nargs="+",
        choices=list(SYSTEMS),
        metavar="SYSTEM",
        help="baselines to use, first one per layer wins (default: the best system per layer "
        f"recorded by `tarifftalks baselines`; {', '.join(SYSTEMS)})",
    )
    p.add_argument("--out", required=True, help="prediction file to write (JSONL)")
    p.set_defaults(func=cmd_predict)
