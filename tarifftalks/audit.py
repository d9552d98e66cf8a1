"""The third reading: an auditor checks adjudicated gold against the guidelines and the text.

`annotation/audit/<doc_id>.jsonl` exists for every audited document (empty when nothing was
found), one row per finding:
  {"layer": "lines" | "entities" | "events" | "arguments", "item": "<span or id>",
   "problem": "...", "action": "fixed" | "kept", "why": "the rule that decides it"}
A `fixed` finding was an error of the gold (and is corrected there); `kept` means the auditor's
doubt was overruled, with the rule. The error rate of a layer is its fixed findings over the
layer's items in the audited documents, so the card's table comes from the files, not by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import paths
from .io import read_jsonl
from .shapes import ANY, STR, Shape, refusal

AUDIT_LAYERS = ("lines", "entities", "events", "arguments")
ACTIONS = ("fixed", "kept")


def audit_dir(root: Path | None = None) -> Path:
    return paths.annotation_dir(root) / "audit"


AUDIT_ROW = Shape({"layer": STR, "item": ANY, "problem": STR, "action": STR}, {"why": STR})


def read_audit(root: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """doc_id -> findings; shapes first, then values; every problem one line of a UserError."""
    folder = audit_dir(root)
    out: dict[str, list[dict[str, Any]]] = {}
    if not folder.is_dir():
        return out
    problems = []
    for path in sorted(folder.glob("*.jsonl")):
        rows = read_jsonl(path, AUDIT_ROW)
        for n, row in enumerate(rows, 1):
            if row["layer"] not in AUDIT_LAYERS:
                problems.append(f"{path}: row {n}: layer must be one of {', '.join(AUDIT_LAYERS)}")
            if row["action"] not in ACTIONS:
                problems.append(f"{path}: row {n}: action must be one of {', '.join(ACTIONS)}")
        out[path.stem] = rows
    if problems:
        raise refusal(problems)
    return out


def layer_sizes(gold: dict[str, Any]) -> dict[str, int]:
    return {
        "lines": len(gold["lines"]),
        "entities": len(gold["entities"]),
        "events": len(gold["events"]),
        "arguments": sum(len(e["arguments"]) for e in gold["events"]),
    }


def error_rates(
    findings: dict[str, list[dict[str, Any]]], gold: dict[str, dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """{layer: {items, errors, rate}} over the audited documents that have gold."""
    out = {layer: {"items": 0.0, "errors": 0.0, "rate": 0.0} for layer in AUDIT_LAYERS}
    for doc_id, rows in sorted(findings.items()):
        if doc_id not in gold:
            continue
        for layer, n in layer_sizes(gold[doc_id]).items():
            out[layer]["items"] += n
        for row in rows:
            if row["action"] == "fixed":
                out[row["layer"]]["errors"] += 1
    for v in out.values():
        v["rate"] = v["errors"] / v["items"] if v["items"] else 0.0
    return out


def audit_markdown(root: Path | None = None) -> str:
    """The card's error-rate table: per layer, for real and authored documents."""
    from .corpus import load_documents
    from .gold import read_gold_dir

    findings = read_audit(root)
    if not findings:
        return "_No audit yet (annotation/audit/)._"
    gold = read_gold_dir(paths.gold_dir(root))
    authored = {d.doc_id: d.authored for d in load_documents(root)}
    lines = [
        "| documents | audited | layer | items | errors found (fixed) | estimated error rate |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for group, flag in (("real", False), ("authored", True)):
        part = {d: rows for d, rows in findings.items() if authored.get(d) is flag}
        if not part:
            continue
        rates = error_rates(part, gold)
        for layer, v in rates.items():
            lines.append(
                f"| {group} | {len(part)} | {layer} | {int(v['items'])} | {int(v['errors'])} | "
                f"{100 * v['rate']:.1f} % |"
            )
    kept = sum(r["action"] == "kept" for rows in findings.values() for r in rows)
    return (
        "\n".join(lines)
        + f"\n\nAudited: {', '.join(sorted(findings))}. Findings overruled with a rule: {kept}."
    )
