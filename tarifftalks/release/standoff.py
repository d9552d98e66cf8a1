"""The text-free (standoff) form of every config, and the way back.

`dataset-standoff/` has the configs, splits and features of `dataset/` minus every field that
carries an article's words (TEXT_FIELDS); the title becomes `title_span`, its offsets in the
text. Every removed field is a slice of the document's text, so `refill_row` restores a row
exactly from the text alone: `strip_row` then `refill_row` is the identity (tested through
`tarifftalks rehydrate` on the whole dataset).

The project's own texts (authored documents) are not third-party words: they ship inside the
text-free folder as files under `texts/`, byte for byte, and rehydration takes them from there.
"""

from __future__ import annotations

from typing import Any

from datasets import Features, List, Value

from ..errors import UserError
from .features import FEATURES

# Per config, the fields (dotted paths through structs and lists) that hold an article's words.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("text", "title"),
    "boilerplate": ("text",),
    "entities": ("text", "tokens", "entities.text"),
    "events": (
        "text",
        "entity_mentions.text",
        "event_mentions.trigger.text",
        "event_mentions.arguments.text",
    ),
}
TEXTS_DIR = "texts"  # authored texts inside the text-free folder


def _without(feature: Any, path: list[str]) -> Any:
    """`feature` with the field at `path` removed (through lists and structs)."""
    if isinstance(feature, List):
        return List(_without(feature.feature, path))
    head, rest = path[0], path[1:]
    return {
        k: (_without(v, rest) if k == head and rest else v)
        for k, v in feature.items()
        if not (k == head and not rest)
    }


def standoff_features(config: str) -> Features:
    """FEATURES[config] minus TEXT_FIELDS; `documents` carries `title_span` after `file`."""
    feats: Any = dict(FEATURES[config]())
    for dotted in TEXT_FIELDS[config]:
        feats = _without(feats, dotted.split("."))
    if config == "documents":
        span = {"start": Value("int32"), "end": Value("int32")}
        feats = {
            **{k: v for k, v in feats.items() if k in ("doc_id", "file", "sha256", "outlet")},
            "title_span": span,
            **{k: v for k, v in feats.items() if k not in ("doc_id", "file", "sha256", "outlet")},
        }
    return Features(feats)


def _drop(value: Any, path: list[str]) -> Any:
    if isinstance(value, list):
        return [_drop(v, path) for v in value]
    head, rest = path[0], path[1:]
    if not rest:
        return {k: v for k, v in value.items() if k != head}
    return {k: (_drop(v, rest) if k == head else v) for k, v in value.items()}


def title_span(doc_id: str, title: str | None, text: str) -> dict[str, int] | None:
    """Where the title stands in the text (its first occurrence); None without a title. A
    title the text does not contain cannot be carried without its words: refused."""
    if title is None:
        return None
    start = text.find(title)
    if start < 0:
        raise UserError(
            f"{doc_id}: the manifest's title does not occur in the text, so the text-free form "
            "cannot carry it as offsets; use the title line's exact text"
        )
    return {"start": start, "end": start + len(title)}


def strip_row(config: str, row: dict[str, Any], text: str) -> dict[str, Any]:
    """A full row (names, not ids) -> its text-free row; `text` is the document's text."""
    out = row
    if config == "documents":
        out = {**out, "title_span": title_span(row["doc_id"], row["title"], text)}
    for dotted in TEXT_FIELDS[config]:
        out = _drop(out, dotted.split("."))
    return out


def _cut(text: str, span: dict[str, Any]) -> str:
    return text[span["start"] : span["end"]]


def refill_row(config: str, row: dict[str, Any], text: str) -> dict[str, Any]:
    """A text-free row -> the full row, every removed field a slice of the document's `text`."""
    if config == "documents":
        span = row["title_span"]
        out = {k: v for k, v in row.items() if k != "title_span"}
        return {**out, "title": None if span is None else _cut(text, span), "text": text}
    if config == "boilerplate":
        return {**row, "text": _cut(text, row)}
    if config == "entities":
        return {
            **row,
            "text": _cut(text, row),
            "tokens": [_cut(text, t) for t in row["token_spans"]],
            "entities": [{**m, "text": _cut(text, m)} for m in row["entities"]],
        }
    if config == "events":
        return {
            **row,
            "text": text,
            "entity_mentions": [{**m, "text": _cut(text, m)} for m in row["entity_mentions"]],
            "event_mentions": [
                {
                    **e,
                    "trigger": {**e["trigger"], "text": _cut(text, e["trigger"])},
                    "arguments": [{**a, "text": _cut(text, a)} for a in e["arguments"]],
                }
                for e in row["event_mentions"]
            ],
        }
    raise ValueError(config)
