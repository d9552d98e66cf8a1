"""Rows of each config, computed from the documents and their (validated) gold."""

from __future__ import annotations

from typing import Any

from .. import schema
from ..corpus import Document
from ..errors import UserError
from ..text import Sentence, Span, sentences


def content_sentences(doc: Document, gold: dict[str, Any]) -> list[Sentence]:
    """Sentences of the content lines, in document order."""
    out: list[Sentence] = []
    for ln in gold["lines"]:
        if ln["label"] in schema.CONTENT_LABELS:
            out.extend(sentences(doc.text, Span(ln["start"], ln["end"])))
    return out


def document_row(doc: Document, gold: dict[str, Any]) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "file": doc.file,
        "sha256": doc.sha256,
        "outlet": doc.outlet,
        "title": doc.title,
        "published": doc.published,
        "published_basis": doc.published_basis,
        "story_id": doc.story_id,
        "near_duplicate_of": doc.near_duplicate_of,
        "authored": doc.authored,
        "text": doc.text,
        "lines": [
            {"start": ln["start"], "end": ln["end"], "label": ln["label"]} for ln in gold["lines"]
        ],
    }


def boilerplate_rows(doc: Document, gold: dict[str, Any]) -> list[dict[str, Any]]:
    lines = gold["lines"]
    return [
        {
            "doc_id": doc.doc_id,
            "line_index": i,
            "num_lines": len(lines),
            "start": ln["start"],
            "end": ln["end"],
            "text": doc.text[ln["start"] : ln["end"]],
            "label": ln["label"],
            "is_content": ln["label"] in schema.CONTENT_LABELS,
        }
        for i, ln in enumerate(lines)
    ]


def bio_tags(tokens: tuple[Span, ...], mentions: list[dict[str, Any]], where: str) -> list[str]:
    """IOB2 tags of a sentence's tokens; a mention must start and end on token boundaries."""
    tags = ["O"] * len(tokens)
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    for m in mentions:
        first, last = starts.get(m["start"]), ends.get(m["end"])
        if first is None or last is None:
            raise UserError(
                f"{where}: entity {m['id']} {m['text']!r} [{m['start']}, {m['end']}) does not "
                "start and end on token boundaries"
            )
        tags[first] = f"B-{m['type']}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{m['type']}"
    return tags


def entity_rows(doc: Document, gold: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for k, sent in enumerate(content_sentences(doc, gold)):
        inside = [m for m in gold["entities"] if sent.start <= m["start"] and m["end"] <= sent.end]
        rows.append(
            {
                "id": f"{doc.doc_id}-s{k:03d}",
                "doc_id": doc.doc_id,
                "sentence_index": k,
                "start": sent.start,
                "end": sent.end,
                "text": doc.text[sent.start : sent.end],
                "tokens": [doc.text[t.start : t.end] for t in sent.tokens],
                "token_spans": [{"start": t.start, "end": t.end} for t in sent.tokens],
                "ner_tags": bio_tags(sent.tokens, inside, f"{doc.doc_id}.json"),
                "entities": [
                    {"start": m["start"], "end": m["end"], "text": m["text"], "type": m["type"]}
                    for m in inside
                ],
            }
        )
    return rows


def event_row(doc: Document, gold: dict[str, Any]) -> dict[str, Any]:
    sents = content_sentences(doc, gold)
    mentions = {m["id"]: m for m in gold["entities"]}
    return {
        "doc_id": doc.doc_id,
        "published": doc.published,
        "text": doc.text,
        "content_lines": [
            {"start": ln["start"], "end": ln["end"]}
            for ln in gold["lines"]
            if ln["label"] in schema.CONTENT_LABELS
        ],
        "sentences": [{"start": s.start, "end": s.end} for s in sents],
        "tokens": [{"start": t.start, "end": t.end} for s in sents for t in s.tokens],
        "entity_mentions": [
            {
                k: m[k]
                for k in ("id", "start", "end", "text", "type", "level", "entity", "kb", "timex")
            }
            for m in gold["entities"]
        ],
        "event_mentions": [
            {
                "id": e["id"],
                "type": e["type"],
                "realis": e["realis"],
                "trigger": dict(e["trigger"]),
                "cluster": e["cluster"],
                "arguments": [
                    {
                        "mention": a["mention"],
                        "role": a["role"],
                        "start": mentions[a["mention"]]["start"],
                        "end": mentions[a["mention"]]["end"],
                        "text": mentions[a["mention"]]["text"],
                    }
                    for a in e["arguments"]
                ],
            }
            for e in gold["events"]
        ],
    }


def rows_of_config(config: str, doc: Document, gold: dict[str, Any]) -> list[dict[str, Any]]:
    if config == "documents":
        return [document_row(doc, gold)]
    if config == "boilerplate":
        return boilerplate_rows(doc, gold)
    if config == "entities":
        return entity_rows(doc, gold)
    if config == "events":
        return [event_row(doc, gold)]
    raise ValueError(config)
