"""The leaderboard (baselines/README.md) from results.json's content: nothing else is read."""

from __future__ import annotations

from typing import Any

# (column title, path in a scorer result, leaf) for the headline table.
COLUMNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("line acc", ("boilerplate", "accuracy"), "accuracy"),
    ("line macro-F1", ("boilerplate", "macro_f1"), "f1"),
    ("content-word F1", ("boilerplate", "content_words"), "f1"),
    ("entity strict F1", ("entities", "strict"), "f1"),
    ("trigger-C F1", ("events", "trigger_c"), "f1"),
    ("arg-C F1", ("events", "arg_c"), "f1"),
    ("realis acc", ("events", "realis"), "accuracy"),
)
# Per layer: the headline figure, the simple references, the learned systems compared with them.
LAYER_COMPARISONS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("boilerplate", 0, ("majority", "justext")),
    ("boilerplate", 2, ("majority", "justext")),
    ("entities", 3, ("lexicon",)),
    ("events", 4, ("lexicon",)),
    ("events", 5, ("lexicon",)),
    ("events", 6, ("lexicon",)),
)
LEARNED = ("sklearn", "crf", "best")
TITLES = {
    "loso": "Leave-one-story-out, pooled (the protocol)",
    "challenge": "Challenge split: trained on every real document, tested on authored documents",
    "test": "Frozen split: train → test",
}
# Fewer test documents than this and the bootstrap intervals say little.
SMALL = 10

Figure = tuple[float, list[float] | None] | None


def figure(result: dict[str, Any], path: tuple[str, ...], leaf: str) -> Figure:
    """(value, 95% interval) at `path`/`leaf` of a scorer result, or None when not scored."""
    node: Any = result
    for p in path:
        node = node.get(p) if isinstance(node, dict) else None
    if not isinstance(node, dict) or node.get(leaf) is None:
        return None
    ci = node.get("ci", {}).get(leaf) if isinstance(node.get("ci"), dict) else None
    return node[leaf], ci


def fmt(x: Figure) -> str:
    if x is None:
        return "—"
    value, ci = x
    return f"{100 * value:.1f}" + (f" [{100 * ci[0]:.1f}–{100 * ci[1]:.1f}]" if ci else "")


def _collapsed(x: Figure) -> bool:
    return x is not None and x[1] is not None and abs(x[1][1] - x[1][0]) < 1e-12


def _headline(proto: str, res: dict[str, dict[str, Any]]) -> list[str]:
    head = "| system | " + " | ".join(c[0] for c in COLUMNS) + " |"
    rows = [head, "|---|" + "---:|" * len(COLUMNS)]
    for system, r in res.items():
        rows.append(
            f"| {system} | " + " | ".join(fmt(figure(r, p, leaf)) for _, p, leaf in COLUMNS) + " |"
        )
    return rows


def _beats(res: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| layer | figure | system | score | reference | score | beats? |",
        "|---|---|---|---:|---|---:|:---:|",
    ]
    for layer, col, refs in LAYER_COMPARISONS:
        title, path, leaf = COLUMNS[col]
        for system in LEARNED:
            if system not in res:
                continue
            mine = figure(res[system], path, leaf)
            for ref in refs:
                theirs = figure(res.get(ref, {}), path, leaf)
                if mine is None or theirs is None:
                    continue
                verdict = "yes" if mine[0] > theirs[0] else "no"
                rows.append(
                    f"| {layer} | {title} | {system} | {fmt(mine)} | {ref} | {fmt(theirs)} | "
                    f"{verdict} |"
                )
    return rows


def _entity_types(res: dict[str, dict[str, Any]]) -> list[str]:
    systems = [s for s, r in res.items() if "per_type" in r.get("entities", {})]
    types = sorted({t for s in systems for t in res[s]["entities"]["per_type"]})
    if not types:
        return []
    rows = [
        "| entity type | gold | " + " | ".join(systems) + " |",
        "|---|---:|" + "---:|" * len(systems),
    ]
    for t in types:
        cells = []
        n_gold = 0
        for s in systems:
            c = res[s]["entities"]["per_type"].get(t)
            n_gold = max(n_gold, c["n_gold"]) if c else n_gold
            cells.append(f"{100 * c['f1']:.1f}" if c else "—")
        rows.append(f"| {t} | {n_gold} | " + " | ".join(cells) + " |")
    return rows


def _event_types(res: dict[str, dict[str, Any]]) -> list[str]:
    systems = [s for s, r in res.items() if "per_type" in r.get("events", {})]
    types = sorted({t for s in systems for t in res[s]["events"]["per_type"]})
    if not types:
        return []
    rows = [
        "| event type | gold triggers | "
        + " | ".join(f"{s} trig-C / arg-C" for s in systems)
        + " |",
        "|---|---:|" + "---:|" * len(systems),
    ]
    for t in types:
        cells, n_gold = [], 0
        for s in systems:
            c = res[s]["events"]["per_type"].get(t, {})
            trig, arg = c.get("trigger_c"), c.get("arg_c")
            n_gold = max(n_gold, trig["n_gold"]) if trig else n_gold
            cells.append(
                (f"{100 * trig['f1']:.1f}" if trig else "—")
                + " / "
                + (f"{100 * arg['f1']:.1f}" if arg else "—")
            )
        rows.append(f"| {t} | {n_gold} | " + " | ".join(cells) + " |")
    return rows


def _interval_note(proto: str, data: dict[str, Any], res: dict[str, dict[str, Any]]) -> str:
    n, stories = data.get("documents", 0), data.get("stories", 0)
    collapsed = sorted(
        {
            title
            for r in res.values()
            for title, path, leaf in COLUMNS
            if _collapsed(figure(r, path, leaf))
        }
    )
    parts = [
        f"{n} document{'s' * (n != 1)} from {stories} stor{'ies' if stories != 1 else 'y'}, "
        "each scored once."
    ]
    if n < SMALL:
        parts.append(
            f"With only {n} document{'s' * (n != 1)} the document bootstrap resamples few "
            "distinct sets: the intervals are wide and say little"
            + (
                "; some collapse to a single point (" + ", ".join(collapsed) + "), which means "
                "too few documents, not certainty."
                if collapsed
                else "."
            )
        )
    elif collapsed:
        parts.append(
            "Some intervals collapse to a point (" + ", ".join(collapsed) + "): every resample "
            "gives the same figure, because the figure rests on very few items."
        )
    return " ".join(parts)


def leaderboard_markdown(results: dict[str, Any]) -> str:
    protocols = results.get("protocols", {})
    parts = [
        "# TariffTalks baselines\n",
        "Generated by `tarifftalks baselines`; every figure is in `results.json`. Scores in %, "
        "from the benchmark scorer (`tarifftalks score`), with 95% document-bootstrap intervals "
        "in brackets. Systems are described in `tarifftalks/baselines/systems.py`; all train on "
        "real (scraped) documents only; " + results.get("note", "") + ".\n",
        "**Beats** means a higher pooled point estimate; both intervals are shown beside it, "
        "and where they overlap the difference is not established. `best` picks one system per "
        "layer by inner leave-one-story-out cross-validation on its training documents alone "
        "(never on the documents it is scored on); hyper-parameters, templates and gazetteers "
        "likewise come from the training documents of each fold.\n",
        "Realis accuracy is counted over each system's own trigger-C matches, so its "
        "denominator differs between systems. The lexicon predicts no arguments (arg-C 0) and "
        "the training majority realis; `sklearn` and `crf` take realis from the guidelines' "
        "cue rules refined by a logistic regression (`models.RealisClassifier`: on its own, "
        "the regression learns the five real documents' prior, 58 % of triggers not actual, "
        "and loses to the majority on occasions where most events happened; "
        "`scripts/ablation.py` shows both).\n",
    ]
    for proto in ("loso", "challenge", "test"):
        title = TITLES[proto]
        if proto not in protocols:
            if proto == "challenge":
                parts.append(
                    f"## {title}\n\nNot run: the dataset has no `challenge` split yet (documents "
                    "marked `authored` in seeds/manifest.jsonl). It appears here once they exist.\n"
                )
            continue
        res = protocols[proto]
        data = results.get("data", {}).get(proto, {})
        parts.append(f"## {title}\n\n" + _interval_note(proto, data, res) + "\n")
        parts.append("\n".join(_headline(proto, res)) + "\n")
        parts.append("Does each learned system beat the simple references?\n")
        parts.append("\n".join(_beats(res)) + "\n")
        choice = results.get("best_choice", {}).get(proto, {})
        if choice:
            lines = [
                f"- {where}: " + ", ".join(f"{layer} → {s}" for layer, s in sorted(c.items()))
                for where, c in sorted(choice.items())
            ]
            label = "held-out story" if proto == "loso" else "training set"
            parts.append(f"`best` chose, per {label}:\n\n" + "\n".join(lines) + "\n")
        if proto in ("loso", "challenge"):
            ent = _entity_types(res)
            if ent:
                parts.append(
                    "Entities by type (strict F1; no intervals):\n\n" + "\n".join(ent) + "\n"
                )
            ev = _event_types(res)
            if ev:
                parts.append(
                    "Events by type (trigger-C F1 / arg-C F1; no intervals):\n\n"
                    + "\n".join(ev)
                    + "\n"
                )
    predict = results.get("predict_choice")
    if predict:
        parts.append(
            "## Used by `tarifftalks predict`\n\nThe same choice made on every real document: "
            + ", ".join(f"{layer} → {s}" for layer, s in sorted(predict.items()))
            + " (`predict_choice` in results.json; `systems.recorded_choice`).\n"
        )
    parts.append(
        "## Learning curve\n\n"
        "![F1 per layer against the number of training documents](learning_curve.png)\n\n"
        "`tarifftalks baselines --learning-curve` (not part of the timed run) retrains on growing "
        "subsets of each fold's training documents and plots the pooled leave-one-story-out "
        "figure of each layer.\n"
    )
    parts.append(
        "Reproduce: `tarifftalks baselines`; what each feature group adds: "
        "`python scripts/ablation.py`; score any run: "
        "`tarifftalks score --split test --pred baselines/predictions/best.test.jsonl`.\n"
    )
    return "\n".join(parts)
