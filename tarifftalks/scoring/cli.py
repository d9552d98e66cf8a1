"""`tarifftalks score`: validate a prediction file and score it against the gold of a split."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..argtypes import bootstrap_count, non_negative_int
from ..errors import UserError

SPLIT_CHOICES = ("train", "validation", "test", "challenge", "all")


def register(subparsers: argparse._SubParsersAction) -> None:
    from .bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
    from .score import LAYERS

    p = subparsers.add_parser(
        "score",
        help="score predictions (JSONL) against the gold of a split",
        # a description is printed as is (only argument help is %-formatted): a plain %
        description=(
            "Validate a prediction file (every problem listed with its line number) and score it "
            "against the gold of a split: boilerplate, entities, events, coreference, with "
            "document-bootstrap 95% intervals. Metric definitions: docs/SCORING.md."
        ),
    )
    p.add_argument("--split", choices=SPLIT_CHOICES, default="test", help="default: test")
    p.add_argument("--pred", type=Path, help="predictions, JSONL, one object per document")
    p.add_argument(
        "--gold", type=Path, help="gold folder (default: annotation/gold of this checkout)"
    )
    p.add_argument(
        "--layers",
        default=",".join(LAYERS),
        help=f"comma-separated subset of {','.join(LAYERS)} (default: all)",
    )
    p.add_argument(
        "--json", action="store_true", help="print JSON (docs/DESIGN.md §7 keys) instead of a table"
    )
    p.add_argument(
        "--bootstrap",
        type=bootstrap_count,
        default=DEFAULT_RESAMPLES,
        metavar="N",
        help=f"bootstrap resamples for the 95%% intervals (default {DEFAULT_RESAMPLES}; 0: none)",
    )
    p.add_argument(
        "--seed",
        type=non_negative_int,
        default=DEFAULT_SEED,
        help=f"bootstrap seed ({DEFAULT_SEED})",
    )
    p.add_argument(
        "--export-gold",
        type=Path,
        metavar="OUT",
        help="write the split's gold in the prediction format to OUT (JSONL) and exit",
    )
    p.set_defaults(func=run)


def _layers(spec: str) -> list[str]:
    from .score import LAYERS

    chosen = [x.strip() for x in spec.replace(" ", ",").split(",") if x.strip()]
    unknown = [x for x in chosen if x not in LAYERS]
    if unknown or not chosen:
        raise UserError(
            f"--layers: unknown layer(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(LAYERS)}"
        )
    return chosen


def load_split_gold(
    split: str, gold_dir: Path | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Gold records of a split (by doc_id) and the texts of every corpus document."""
    from ..corpus import load_documents, sha256_text
    from ..corpus.status import status_of
    from ..gold import read_gold_dir
    from ..splits import split_of_documents

    docs = load_documents()
    texts = {d.doc_id: d.text for d in docs}
    # The release's splits: over adjudicated documents only (the others are pending).
    splits = split_of_documents([d for d in docs if status_of(d.doc_id) == "adjudicated"])
    wanted = sorted(i for i, s in splits.items() if split == "all" or s == split)
    gold = read_gold_dir(gold_dir)
    where = gold_dir or "annotation/gold"
    missing = [i for i in wanted if i not in gold]
    if missing:
        raise UserError(f"{where}: no gold file for {', '.join(missing)} (split {split})")
    out = {}
    for i in wanted:
        if gold[i].get("sha256") != sha256_text(texts[i]):
            raise UserError(f"{where}/{i}.json: sha256 does not match the text of {i}")
        out[i] = gold[i]
    return out, texts


def run(args: argparse.Namespace) -> int:
    from .columnar import Vocab
    from .fastread import read_columns, side_from_dicts
    from .predictions import gold_to_predictions, write_predictions
    from .report import format_table, to_json
    from .score import score_columns

    layers = _layers(args.layers)
    gold, texts = load_split_gold(args.split, args.gold)
    if args.export_gold:
        try:
            records = [gold_to_predictions(g) for g in gold.values()]
        except KeyError as exc:
            raise UserError(f"gold: an argument points to unknown mention {exc}") from None
        write_predictions(args.export_gold, records)
        print(
            f"wrote {len(records)} documents ({args.split}) to {args.export_gold}", file=sys.stderr
        )
        return 0
    if args.pred is None:
        raise UserError("--pred FILE is required (or --export-gold OUT)")
    # The columnar path (fastread, columnar): the same checks and figures as read_predictions
    # and score(), at a fraction of the time and memory on large files.
    ids = sorted(gold)
    vocab = Vocab()
    try:
        preds, pred_ids = read_columns(args.pred, texts, ids, vocab)
    except UserError as exc:
        found = getattr(exc, "problems", None)
        if args.json and found:  # the table lists the first problems; JSON carries every one
            rows = [{"line": n, "problem": msg} for n, msg in found]
            sys.stdout.write(to_json({"predictions": str(args.pred), "problems": rows}))
        raise
    try:
        gold_side = side_from_dicts(list(enumerate(map(gold.get, ids))), len(ids), vocab, ids)
    except KeyError as exc:
        raise UserError(f"gold: an argument points to unknown mention {exc}") from None
    result = score_columns(
        gold_side,
        preds,
        vocab,
        ids,
        pred_ids,
        [texts[i] for i in ids],
        layers,
        n_resamples=args.bootstrap,
        seed=args.seed,
    )
    result["meta"]["split"] = args.split
    result["meta"]["predictions"] = str(args.pred)
    if args.json:
        sys.stdout.write(to_json(result))
    else:
        title = f"tarifftalks score: {args.pred} against split {args.split}"
        sys.stdout.write(format_table(result, title))
    return 0
