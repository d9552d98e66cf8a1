"""The card's leaderboard: a table per protocol from `baselines/results.json`.

Read generically (every value looked up by path, shapes checked), so a changed results file
gives a dash where a figure is missing rather than an error; `COLUMNS` and `PROTOCOLS` are the
one place to adapt when the results change shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..io import present, read_text

RESULTS = Path("baselines") / "results.json"

# (column title, path in a system's scorer result)
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("line acc", ("boilerplate", "accuracy", "accuracy")),
    ("entity strict F1", ("entities", "strict", "f1")),
    ("trigger-C F1", ("events", "trigger_c", "f1")),
    ("arg-C F1", ("events", "arg_c", "f1")),
    ("realis acc", ("events", "realis", "accuracy")),
    ("event coref CoNLL F1, within documents", ("coreference", "events", "conll", "f1")),
    (
        "event coref CoNLL F1, across documents",
        ("coreference", "events_cross_document", "conll", "f1"),
    ),
)
PROTOCOLS = {
    "loso": "Leave-one-story-out over the real documents (pooled; the protocol for claims)",
    "challenge": (
        "Challenge: trained on the real documents, tested on the authored `challenge` split"
    ),
    "test": "Official split: train → test",
}


def _at(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)
    return tree


def _cell(result: Any, path: tuple[str, ...]) -> str:
    value = _at(result, path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—"
    ci = _at(result, (*path[:-1], "ci", path[-1]))
    if isinstance(ci, list) and len(ci) == 2 and all(isinstance(x, (int, float)) for x in ci):
        return f"{100 * value:.1f} [{100 * ci[0]:.0f}–{100 * ci[1]:.0f}]"
    return f"{100 * value:.1f}"


def leaderboard_markdown(results: Any) -> str:
    """One table per protocol of `results["protocols"]` ({protocol: {system: result}})."""
    protocols = _at(results, ("protocols",))
    if not isinstance(protocols, dict) or not protocols:
        return "_`baselines/results.json` holds no `protocols`: no table._"
    order = [p for p in PROTOCOLS if p in protocols] + sorted(set(protocols) - set(PROTOCOLS))
    head = (
        "| system | "
        + " | ".join(title for title, _ in COLUMNS)
        + " |\n|---|"
        + "---:|" * len(COLUMNS)
    )
    parts = []
    for proto in order:
        systems = protocols[proto]
        if not isinstance(systems, dict):
            continue
        rows = [
            f"| {name} | " + " | ".join(_cell(res, path) for _, path in COLUMNS) + " |"
            for name, res in systems.items()
        ]
        parts.append(f"**{PROTOCOLS.get(proto, proto)}**\n\n{head}\n" + "\n".join(rows))
    return "\n\n".join(parts)


def leaderboard_from(root: Path) -> str:
    path = root / RESULTS
    if not present(path):
        return "_No baseline results yet: run `tarifftalks baselines`, then `tarifftalks build`._"
    try:
        results = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    return leaderboard_markdown(results)
