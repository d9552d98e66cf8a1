"""Benchmark of the scorer (not a test): synthetic documents, seconds and peak memory.

    python scripts/bench_scoring.py [--docs 100000] [--seqeval-docs N] [--bootstrap 1000]
                                    [--reference]

Builds N synthetic documents (~20 entity mentions, ~5 events with ~3 arguments, 10 lines each)
as gold records and perturbed predictions, writes the predictions as a JSONL file, then times:
a bare `json.loads` read of that file (the yardstick), validation + scoring of every layer with
the bootstrap as `tarifftalks score` does it (fastread + columnar, one process) and its ratio
to the bare read, validation alone, the entity layer alone (from the records, and from
already-normalized documents, which is what seqeval gets: tag lists built beforehand), and
seqeval (IOB2, strict mode) on the same entity layer; with --reference also the per-document
reference implementation (parse_predictions, score()). Peak memory is the peak
resident set size during each step minus the resident size before it (Linux /proc; the kernel's
peak mark is reset before each step), so it adds no tracing overhead.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import sys
import tempfile
import time

from tarifftalks import schema
from tarifftalks.scoring.columnar import Vocab
from tarifftalks.scoring.docs import as_doc
from tarifftalks.scoring.entities import entity_counts, type_counts
from tarifftalks.scoring.fastread import read_columns, side_from_dicts
from tarifftalks.scoring.predictions import gold_to_predictions, parse_predictions
from tarifftalks.scoring.score import score, score_columns, score_fast

TOKENS = 120  # per document; every token is 4 letters + one separator: token i at 5i
LINE = 12  # tokens per line
SLOT = 6  # one entity per slot of 6 tokens -> 20 entities, never overlapping, never across lines


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for row in fh:
                if row.startswith(field + ":"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0), so each step's peak is its own."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def make_doc(rng: random.Random, i: int, vocab: list[str]) -> tuple[dict, dict, str, list]:
    words = [rng.choice(vocab) for _ in range(TOKENS)]
    text = "".join(w + ("\n" if (k + 1) % LINE == 0 else " ") for k, w in enumerate(words))
    lines = [
        {"start": 5 * k, "end": 5 * (k + LINE) - 1, "label": rng.choice(schema.LINE_LABELS)}
        for k in range(0, TOKENS, LINE)
    ]
    ents = []
    for j in range(TOKENS // SLOT):
        first = SLOT * j + rng.randrange(3)
        last = first + rng.randrange(3)
        ents.append(
            {
                "id": f"T{j + 1}",
                "start": 5 * first,
                "end": 5 * last + 4,
                "type": rng.choice(schema.ENTITY_TYPE_NAMES),
                "entity": f"C{rng.randrange(8)}",
            }
        )
    events = []
    for j in rng.sample(range(TOKENS // SLOT), 5):
        etype = rng.choice(schema.EVENT_TYPE_NAMES)
        roles = schema.roles_for(etype)
        args = [
            {"mention": f"T{m + 1}", "role": rng.choice(roles)}
            for m in rng.sample(range(len(ents)), 3)
        ]
        t = SLOT * j + 5  # the slot's last token never holds an entity
        events.append(
            {
                "id": f"V{len(events) + 1}",
                "type": etype,
                "realis": rng.choice(schema.REALIS_NAMES),
                "trigger": {"start": 5 * t, "end": 5 * t + 4},
                "cluster": f"E{rng.randrange(3)}",
                "arguments": args,
            }
        )
    gold = {"doc_id": f"d{i:06d}", "lines": lines, "entities": ents, "events": events}
    pred = gold_to_predictions(gold)
    # Perturb: drops, type errors, boundary errors, role errors, cluster errors, spurious items.
    p_ents = []
    for m in pred["entities"]:
        x = rng.random()
        if x < 0.05:
            continue
        if x < 0.10:
            m["type"] = rng.choice(schema.ENTITY_TYPE_NAMES)
        elif x < 0.15 and m["end"] - m["start"] > 4:
            m["end"] -= 5
        if rng.random() < 0.2:
            m["entity"] = f"C{rng.randrange(8)}"
        p_ents.append(m)
    pred["entities"] = p_ents
    p_events = []
    for ev in pred["events"]:
        x = rng.random()
        if x < 0.1:
            continue
        if x < 0.2:
            ev["type"] = rng.choice(schema.EVENT_TYPE_NAMES)
            ev["arguments"] = [
                dict(a, role=rng.choice(schema.roles_for(ev["type"]))) for a in ev["arguments"]
            ]
        if rng.random() < 0.2:
            ev["realis"] = rng.choice(schema.REALIS_NAMES)
        ev["arguments"] = [a for a in ev["arguments"] if rng.random() > 0.1]
        p_events.append(ev)
    pred["events"] = p_events
    for ln in pred["lines"]:
        if rng.random() < 0.1:
            ln["label"] = rng.choice(schema.LINE_LABELS)
    return gold, pred, text, words


def to_iob2(doc: dict) -> list[str]:
    tags = ["O"] * TOKENS
    for m in doc["entities"]:
        first, last = m["start"] // 5, (m["end"] - 4) // 5
        tags[first] = "B-" + m["type"]
        for k in range(first + 1, last + 1):
            tags[k] = "I-" + m["type"]
    return tags


def _bare_read(path: str) -> int:
    """The yardstick: every line through json.loads, nothing else."""
    n = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            json.loads(line)
            n += 1
    return n


def timed(label: str, fn, results: dict) -> str:
    exact_peak = _reset_peak()
    before = _status_mb("VmRSS") if exact_peak else _maxrss_mb()
    gc.disable()  # every contender alike: score() does this itself, seqeval gets the same
    t0 = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - t0
    gc.enable()
    grew = (_status_mb("VmHWM") if exact_peak else _maxrss_mb()) - before
    results[label] = {"seconds": round(secs, 3), "peak_rss_growth_mb": round(grew, 1)}
    print(f"{label:<56}{secs:>8.2f} s   peak RSS +{grew:,.0f} MB", flush=True)
    timed.last = out  # type: ignore[attr-defined]
    return label


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seqeval-docs", type=int, default=None, help="default: --docs")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--reference",
        action="store_true",
        help="also time the per-document reference (parse_predictions, score()): slow, ~2 GB",
    )
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    vocab = ["".join(rng.choice("abcdefghij") for _ in range(4)) for _ in range(2000)]

    t0 = time.perf_counter()
    gold, pred, texts = {}, {}, {}
    for i in range(args.docs):
        g, p, text, _ = make_doc(rng, i, vocab)
        gold[g["doc_id"]], pred[p["doc_id"]], texts[g["doc_id"]] = g, p, text
    n_ent = sum(len(g["entities"]) for g in gold.values())
    n_ev = sum(len(g["events"]) for g in gold.values())
    print(
        f"{args.docs:,} documents, {n_ent:,} gold entity mentions, {n_ev:,} gold events "
        f"(generated in {time.perf_counter() - t0:.1f} s; RSS {_maxrss_mb():,.0f} MB)"
    )
    print(f"python {sys.version.split()[0]}\n")
    # The inputs are millions of long-lived objects: move them out of the cyclic collector's
    # sight, for every contender alike (score() itself also pauses the collector).
    gc.collect()
    gc.freeze()
    results: dict = {"documents": args.docs}

    # Warm up: imports (pyarrow, scipy for CEAF alignments) are a one-off, not per-document work.
    warm = sorted(gold)[:50]
    score({i: gold[i] for i in warm}, pred, texts, n_resamples=10)
    score_fast({i: gold[i] for i in warm}, pred, texts, n_resamples=10)

    # The prediction file, as `tarifftalks score --pred` reads it.
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for p in pred.values():
            fh.write(json.dumps(p) + "\n")
    size = os.path.getsize(path)
    print(f"prediction file: {size / 1e6:,.0f} MB\n")
    try:
        read = timed("read the file: bare json.loads per line", lambda: _bare_read(path), results)
        ids = sorted(gold)
        vocab = Vocab()
        # The gold is the scorer's own, fixed side: made into columns once (its own line), as
        # seqeval is given ready tag lists; the file is what is validated and scored.
        timed(
            "gold records -> columns (once per gold; not in the ratio)",
            lambda: side_from_dicts(list(enumerate(map(gold.get, ids))), len(ids), vocab),
            results,
        )
        gold_side = timed.last  # type: ignore[attr-defined]
        text_list = [texts[i] for i in ids]

        def validate_and_score(resamples: int):
            side, pred_ids = read_columns(path, texts, ids, vocab)
            return score_columns(
                gold_side, side, vocab, ids, pred_ids, text_list, n_resamples=resamples
            )

        for resamples in (0, args.bootstrap):
            label = timed(
                f"validate + score all layers, bootstrap {resamples} (the command's path)",
                lambda r=resamples: validate_and_score(r),
                results,
            )
            ratio = results[label]["seconds"] / results[read]["seconds"]
            results[f"ratio to the bare read, bootstrap {resamples}"] = round(ratio, 2)
            print(f"{'  ratio to the bare read (aim: <= 3)':<56}{ratio:>8.2f} x", flush=True)
        timed(
            "validate only (fast path, into columns)",
            lambda: read_columns(path, texts, ids, Vocab()),
            results,
        )
        if args.reference:
            lines = open(path, encoding="utf-8").read().split("\n")
            timed(
                "reference: validate (parse_predictions, into dicts)",
                lambda: parse_predictions(lines, texts),
                results,
            )
            del lines
    finally:
        os.unlink(path)
    if args.reference:
        timed(
            "reference: score() all layers, no bootstrap, one process",
            lambda: score(gold, pred, texts, n_resamples=0, n_jobs=1),
            results,
        )

    def entities_only():
        ids = sorted(gold)
        g = [as_doc({"entities": gold[i]["entities"]}) for i in ids]
        p = [as_doc({"entities": pred[i]["entities"]}) for i in ids]
        strict = entity_counts(g, p, "strict").sum(0)
        entity_counts(g, p, "boundary")
        type_counts(g, p)
        return strict

    timed("entity layer from records: strict, boundary, per type", entities_only, results)
    strict = timed.last  # type: ignore[attr-defined]
    ids = sorted(gold)
    g_docs = [as_doc({"entities": gold[i]["entities"]}) for i in ids]
    p_docs = [as_doc({"entities": pred[i]["entities"]}) for i in ids]
    timed(
        "entity layer on normalized docs (as seqeval's tags)",
        lambda: (entity_counts(g_docs, p_docs, "strict").sum(0), type_counts(g_docs, p_docs)),
        results,
    )

    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    n_seq = args.seqeval_docs or args.docs
    ids = sorted(gold)[:n_seq]
    y_true = [to_iob2(gold[i]) for i in ids]
    y_pred = [to_iob2(pred[i]) for i in ids]
    timed(
        f"seqeval f1_score, IOB2 strict ({n_seq:,} docs)",
        lambda: f1_score(y_true, y_pred, mode="strict", scheme=IOB2),
        results,
    )
    f1_seq = timed.last  # type: ignore[attr-defined]
    tp, n_pred, n_gold = strict.tolist()
    ours = 2 * tp / (n_pred + n_gold)
    print(f"\nentity strict F1: ours {ours:.10f}, seqeval {f1_seq:.10f}")
    if n_seq == args.docs:
        seq, *_ = (v["seconds"] for k, v in results.items() if k.startswith("seqeval"))
        for k, v in results.items():
            if k.startswith("entity layer"):
                print(f"seqeval / ours, {k}: {seq / v['seconds']:.1f}x")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} CPUs")
    results["load_average_1min"] = round(load, 2)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
