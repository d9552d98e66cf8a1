"""The two faces of a score result: a table for people, canonical JSON for programs."""

from __future__ import annotations

from typing import Any

from ..io import dumps_canonical


def to_json(result: dict[str, Any]) -> str:
    return dumps_canonical(result)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f}"


def _ci(ci: list[float] | None) -> str:
    return "" if not ci else f"[{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


_HEAD = f"{'metric':<34}{'P':>7}{'R':>7}{'F1':>7}  {'95% CI':<14}{'tp':>8}{'pred':>8}{'gold':>8}"


def _prf_row(name: str, m: dict[str, Any]) -> str:
    ci = (m.get("ci") or {}).get("f1")
    counts = ""
    if "tp" in m:
        counts = f"{m['tp']:>8}{m['n_pred']:>8}{m['n_gold']:>8}"
        if not m["n_gold"]:
            counts += "   (no gold)"
    return (
        f"  {name:<32}{_pct(m['p']):>7}{_pct(m['r']):>7}{_pct(m['f1']):>7}  {_ci(ci):<14}{counts}"
    )


def _value_row(name: str, value: float, ci: list[float] | None, count: str = "") -> str:
    return f"  {name:<32}{'':>7}{'':>7}{_pct(value):>7}  {_ci(ci):<14}{count}"


def format_table(result: dict[str, Any], title: str = "") -> str:
    meta = result.get("meta", {})
    boot = meta.get("bootstrap", {})
    lines = []
    if title:
        lines.append(title)
    summary = f"{meta.get('documents', 0)} documents, {meta.get('predicted', 0)} predicted"
    if meta.get("missing"):
        summary += (
            f", {len(meta['missing'])} missing (scored as empty: {', '.join(meta['missing'])})"
        )
    if meta.get("ignored"):
        summary += f"; {len(meta['ignored'])} predictions outside the split ignored"
    lines.append(summary)
    if boot.get("resamples"):
        lines.append(
            f"figures in %; 95% CI of the last column shown (F1 or accuracy): document bootstrap, "
            f"{boot['resamples']} resamples, seed {boot['seed']}"
        )
    else:
        lines.append("figures in %; no bootstrap (--bootstrap 0)")
    lines += ["", _HEAD]

    if "boilerplate" in result:
        b = result["boilerplate"]
        lines.append("boilerplate")
        acc = b["accuracy"]
        lines.append(
            _value_row(
                "line accuracy",
                acc["accuracy"],
                acc.get("ci", {}).get("accuracy"),
                f"{acc['correct']:>8}{'':>8}{acc['n']:>8}",
            )
        )
        lines.append(
            _value_row("line macro-F1", b["macro_f1"]["f1"], b["macro_f1"].get("ci", {}).get("f1"))
        )
        for label, m in b.get("per_label", {}).items():
            lines.append(
                f"  {'  ' + label:<32}{_pct(m['p']):>7}{_pct(m['r']):>7}{_pct(m['f1']):>7}"
                f"  {'':<14}{'':>8}{'':>8}{m['support']:>8}"
            )
        lines.append(_prf_row("boilerplate vs content", b["boilerplate"]))
        if "content_words" in b:
            lines.append(_prf_row("content words (CleanEval)", b["content_words"]))
    if "entities" in result:
        e = result["entities"]
        lines.append("entities")
        lines.append(_prf_row("strict (start, end, type)", e["strict"]))
        lines.append(_prf_row("boundary (start, end)", e["boundary"]))
        for t, m in e.get("per_type", {}).items():
            lines.append(_prf_row("  " + t, m))
    if "events" in result:
        ev = result["events"]
        lines.append("events")
        for name in ("trigger_i", "trigger_c", "arg_i", "arg_c", "arg_i_plus", "arg_c_plus"):
            lines.append(_prf_row(name, ev[name]))
        r = ev["realis"]
        lines.append(
            _value_row(
                "realis (accuracy)",
                r["accuracy"],
                r.get("ci", {}).get("accuracy"),
                f"{r['correct']:>8}{r['n']:>8}",
            )
        )
    for layer, c in result.get("coreference", {}).items():
        lines.append(f"coreference: {layer}")
        for key, name in (("muc", "MUC"), ("bcub", "B³"), ("ceafe", "CEAF-e"), ("lea", "LEA")):
            lines.append(_prf_row(name, c[key]))
        lines.append(
            _value_row(
                "CoNLL F1 (MUC+B³+CEAF-e)/3", c["conll"]["f1"], c["conll"].get("ci", {}).get("f1")
            )
        )
    return "\n".join(x.rstrip() for x in lines) + "\n"
