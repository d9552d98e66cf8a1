"""Inter-annotator agreement of the two independent passes (annotation/passes/a vs b).

Boilerplate: Cohen's kappa over every line (sklearn). Entities and events: pass B scored as
predictions against pass A with the benchmark's own scorer (F1 is symmetric, so the order does
not matter): entity strict span+type F1, trigger-C and arg-C F1, realis agreement on matched
triggers. Attribute agreement (level, KB id, TIMEX value) is measured on strictly matched mentions.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from . import paths
from .errors import UserError
from .gold import read_kb

PASSES = ("a", "b")


def passes_dir(root: Path | None = None) -> Path:
    return paths.annotation_dir(root) / "passes"


def common_passes(
    root: Path | None = None, base: Path | None = None
) -> tuple[dict[str, dict], dict[str, dict]]:
    """Both passes (under `base`, default annotation/passes) on the documents both annotated
    (possibly none). Each pass must pass the gold validator on the documents it has, so
    agreement is only computed on records whose every reference resolves."""
    from .corpus import load_documents
    from .validate import read_valid_gold_dir

    base = base or passes_dir(root)
    docs = load_documents(root)
    kb = read_kb(paths.kb_path(root))
    a, b = (read_valid_gold_dir(base / p, docs, kb, require_all=False) for p in PASSES)
    common = sorted(set(a) & set(b))
    return {d: a[d] for d in common}, {d: b[d] for d in common}


def read_passes(
    root: Path | None = None, base: Path | None = None
) -> tuple[dict[str, dict], dict[str, dict]]:
    """`common_passes`, refusing when no document is in both."""
    base = base or passes_dir(root)
    a, b = common_passes(root, base)
    if not a:
        raise UserError(f"{base}: no document annotated in both passes a and b")
    return a, b


def _passes_if_any(root: Path | None, base: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Validated common passes, or empty when the pass folders do not exist (yet)."""
    if not all((base / p).is_dir() for p in PASSES):
        return {}, {}
    return common_passes(root, base)


def line_label_pairs(a: dict[str, dict], b: dict[str, dict]) -> tuple[list[str], list[str]]:
    """Labels of the same lines in both passes (lines are fixed by the text, so they align)."""
    ya, yb = [], []
    for doc_id in sorted(a):
        lb = {(ln["start"], ln["end"]): ln["label"] for ln in b[doc_id]["lines"]}
        for ln in a[doc_id]["lines"]:
            key = (ln["start"], ln["end"])
            if key in lb:
                ya.append(ln["label"])
                yb.append(lb[key])
    return ya, yb


def attribute_agreement(a: dict[str, dict], b: dict[str, dict], attr: str) -> dict[str, Any]:
    """Share of strictly matched mentions (same span and type) whose `attr` is equal."""
    same = total = 0
    for doc_id in sorted(a):
        mb = {(m["start"], m["end"], m["type"]): m for m in b[doc_id]["entities"]}
        for m in a[doc_id]["entities"]:
            other = mb.get((m["start"], m["end"], m["type"]))
            if other is None or (m.get(attr) is None and other.get(attr) is None):
                continue
            total += 1
            same += m.get(attr) == other.get(attr)
    return {"agreement": same / total if total else 0.0, "same": same, "n": total}


def agreement(a: dict[str, dict], b: dict[str, dict]) -> dict[str, Any]:
    from sklearn.metrics import cohen_kappa_score

    from .scoring import entity_scores, event_scores, realis_accuracy

    ya, yb = line_label_pairs(a, b)
    same = sum(x == y for x, y in zip(ya, yb, strict=True))
    out: dict[str, Any] = {
        "documents": sorted(a),
        "boilerplate": {
            # Identical labelings agree perfectly even where kappa is undefined (one label only).
            "kappa": 1.0 if ya == yb else float(cohen_kappa_score(ya, yb)),
            "observed": same / len(ya) if ya else 0.0,
            "same": same,
            "n_lines": len(ya),
        },
        "entities": {
            "strict": entity_scores(a, b, "strict"),
            "boundary": entity_scores(a, b, "boundary"),
            "level": attribute_agreement(a, b, "level"),
            "kb": attribute_agreement(a, b, "kb"),
            "timex": attribute_agreement(a, b, "timex"),
        },
        "events": {m: event_scores(a, b, m) for m in ("trigger_i", "trigger_c", "arg_i", "arg_c")},
        "per_document": {},
    }
    out["events"]["realis"] = realis_accuracy(a, b)
    for doc_id in sorted(a):
        one_a, one_b = {doc_id: a[doc_id]}, {doc_id: b[doc_id]}
        out["per_document"][doc_id] = {
            "entities_strict_f1": entity_scores(one_a, one_b, "strict")["f1"],
            "trigger_c_f1": event_scores(one_a, one_b, "trigger_c")["f1"],
            "arg_c_f1": event_scores(one_a, one_b, "arg_c")["f1"],
        }
    return out


def pairwise_agreement(golds: list[dict[str, Any]]) -> dict[str, float]:
    """Mean over annotator pairs of one document's versions: line kappa, entity strict F1,
    trigger-C F1, arg-C F1 (used by `studio pull` for tasks with several annotators)."""
    import itertools

    rows = []
    for g1, g2 in itertools.combinations(golds, 2):
        r = agreement({"doc": g1}, {"doc": g2})
        rows.append(
            {
                "lines_kappa": r["boilerplate"]["kappa"],
                "entities_f1": r["entities"]["strict"]["f1"],
                "triggers_f1": r["events"]["trigger_c"]["f1"],
                "arguments_f1": r["events"]["arg_c"]["f1"],
            }
        )
    return {k: round(sum(x[k] for x in rows) / len(rows), 4) for k in rows[0]} if rows else {}


def _prf_row(name: str, s: dict[str, Any]) -> str:
    return (
        f"| {name} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} | {s['tp']} | "
        f"{s['n_gold']} | {s['n_pred']} |"
    )


SUPERSEDED = (
    (
        "pilot",
        "Round 1 (pilot)",
        "made with a first draft of the guidelines that listed every line label, TIMEX value and "
        "event trigger of the corpus: a measure of copying from an answer key",
    ),
    (
        "superseded/round2",
        "Round 2",
        "made with guidelines that quoted the corpus texts 141 times (59 % of entity mentions "
        "and 58 % of triggers lay inside quoted text): a measure of reading the answers off "
        "the examples",
    ),
)


def superseded_markdown(root: Path | None = None) -> str:
    """One paragraph per superseded round kept for transparency (not in the gold)."""
    out = []
    for folder, name, why in SUPERSEDED:
        a, b = _passes_if_any(root, paths.annotation_dir(root) / folder)
        if not a:
            continue
        r = agreement(a, b)
        out.append(
            f"**{name} (superseded, not in the gold, `annotation/{folder}/`).** Two passes {why}, "
            f"agreed at kappa {r['boilerplate']['kappa']:.3f}, entity F1 "
            f"{r['entities']['strict']['f1']:.3f}, trigger-C F1 "
            f"{r['events']['trigger_c']['f1']:.3f}, arg-C F1 {r['events']['arg_c']['f1']:.3f}."
        )
    return "\n\n" + "\n\n".join(out) if out else ""


def layer_figures(ref: dict[str, dict], other: dict[str, dict]) -> dict[str, float]:
    """The headline figure per layer of `other` against `ref` (both keyed by doc_id)."""
    r = agreement(ref, other)
    return {
        "boilerplate kappa": r["boilerplate"]["kappa"],
        "entities strict F1": r["entities"]["strict"]["f1"],
        "trigger-C F1": r["events"]["trigger_c"]["f1"],
        "arg-C F1": r["events"]["arg_c"]["f1"],
        "realis accuracy": r["events"]["realis"]["accuracy"],
    }


def comparison_table(root: Path | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """{group: {comparison: {layer: figure}}} for the real and the authored documents:
    pass A vs pass B, and each pass vs the adjudicated gold (documents with all three)."""
    from .corpus import load_documents
    from .validate import read_valid_gold_dir

    a, b = read_passes(root)
    docs = load_documents(root)
    kb = read_kb(paths.kb_path(root))
    gold = read_valid_gold_dir(paths.gold_dir(root), docs, kb, require_all=False)
    authored = {d.doc_id: d.authored for d in docs}
    out: dict[str, dict[str, dict[str, float]]] = {}
    for group, flag in (("real", False), ("authored", True)):
        ids = [d for d in sorted(a) if authored.get(d) is flag and d in gold]
        if not ids:
            continue

        def pick(x: dict[str, dict], keep: list[str] = ids) -> dict[str, dict]:
            return {d: x[d] for d in keep}

        out[group] = {
            "documents": {"n": float(len(ids))},
            "A vs B": layer_figures(pick(a), pick(b)),
            "A vs gold": layer_figures(pick(gold), pick(a)),
            "B vs gold": layer_figures(pick(gold), pick(b)),
        }
    return out


def comparison_markdown(table: dict[str, dict[str, dict[str, float]]]) -> str:
    comparisons = ("A vs B", "A vs gold", "B vs gold")
    head = "| layer | " + " | ".join(
        f"{g} ({int(t['documents']['n'])} docs): {c}" for g, t in table.items() for c in comparisons
    )
    sep = "|---|" + "---:|" * (len(table) * len(comparisons))
    layers = next(iter(table.values()))["A vs B"].keys() if table else []
    rows = [
        f"| {layer} | "
        + " | ".join(f"{t[c][layer]:.3f}" for t in table.values() for c in comparisons)
        + " |"
        for layer in layers
    ]
    return "\n".join([head + " |", sep, *rows])


def agreement_markdown(root: Path | None = None) -> str:
    """The card's agreement section, recomputed from the passes (and the pilot, if present).
    Only absent passes give the placeholder: a broken pass is an error, not a silent omission."""
    a, b = _passes_if_any(root, passes_dir(root))
    if not a:
        return "_Agreement is computed once both annotation passes exist (annotation/passes/)._"
    parts = [render_agreement(agreement(a, b))]
    try:
        table = comparison_table(root)
    except UserError:
        table = {}
    if table:
        parts.append(
            "**Two figures per layer.** *A vs B* scores one pass against the other. The "
            "annotators are independent sessions of one language model that read only the "
            "guidelines, the inventory, the KB, the event registry and the text (never the other "
            "pass or the gold), so A vs B measures that annotator's self-consistency under the "
            "guidelines, an upper bound on what two human annotators would reach, not human "
            "agreement. *A vs gold* and *B vs gold* score each pass against the adjudicated gold: "
            "how far a careful reader of the guidelines lands from the decided annotation, the "
            "better guide to how hard each layer is.\n\n" + comparison_markdown(table)
        )
    return "\n\n".join(parts) + superseded_markdown(root)


def render_agreement(r: dict[str, Any]) -> str:
    bp = r["boilerplate"]
    ev = r["events"]
    lines = [
        f"Two independent passes over {len(r['documents'])} documents "
        f"({', '.join(r['documents'])}); computed by `tarifftalks agreement` from "
        "`annotation/passes/a` and `annotation/passes/b` (pass A taken as reference).",
        "",
        f"**Boilerplate:** Cohen's kappa **{bp['kappa']:.3f}** over {bp['n_lines']} lines "
        f"(observed agreement {bp['same']}/{bp['n_lines']} = {bp['observed']:.3f}).",
        "",
        "| layer | P | R | F1 | matched | pass A | pass B |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _prf_row("entities, strict span+type", r["entities"]["strict"]),
        _prf_row("entities, span only", r["entities"]["boundary"]),
        _prf_row("event triggers (trigger-I)", ev["trigger_i"]),
        _prf_row("event triggers + type (trigger-C)", ev["trigger_c"]),
        _prf_row("arguments (arg-I)", ev["arg_i"]),
        _prf_row("arguments + role (arg-C)", ev["arg_c"]),
        "",
        f"**Realis:** {ev['realis']['correct']}/{ev['realis']['n']} trigger-C-matched events "
        f"agree ({ev['realis']['accuracy']:.3f}).",
        "",
        "Attributes on strictly matched entity mentions: "
        + "; ".join(
            f"{k} {v['same']}/{v['n']} ({v['agreement']:.3f})"
            for k, v in r["entities"].items()
            if k in ("level", "kb", "timex")
        )
        + ".",
        "",
        "| document | entity F1 | trigger-C F1 | arg-C F1 |",
        "|---|---:|---:|---:|",
        *(
            f"| {d} | {x['entities_strict_f1']:.3f} | {x['trigger_c_f1']:.3f} | "
            f"{x['arg_c_f1']:.3f} |"
            for d, x in r["per_document"].items()
        ),
    ]
    return "\n".join(lines)


def cmd_agreement(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    figures = agreement(*read_passes(root))
    if args.json:
        figures["against_gold"] = comparison_table(root)
        print(json.dumps(figures, indent=2, sort_keys=True))
    else:
        print(agreement_markdown(root))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agreement", help="inter-annotator agreement of annotation/passes/a vs b")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_agreement)
