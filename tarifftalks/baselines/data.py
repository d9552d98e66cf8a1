"""Baseline inputs, read from the built dataset the way a researcher would: `load_dataset`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import UserError


@dataclass
class Doc:
    """One document: text, line spans with labels, content sentences with tokens, gold layers.

    A document without gold (`unlabeled_doc`) has lines labelled None and no sentences until a
    line classifier has picked its content lines (`with_content_lines`).
    """

    doc_id: str
    text: str
    lines: list[dict[str, Any]]  # {"start", "end", "label"}
    sentences: list[tuple[int, int, list[tuple[int, int]]]]  # (start, end, tokens)
    entities: list[dict[str, Any]] = field(default_factory=list)  # {"id","start","end","type",…}
    events: list[dict[str, Any]] = field(default_factory=list)  # gold events, names decoded
    story_id: str = ""
    outlet: str | None = None
    title: str | None = None
    split: str = ""
    # (alias, entity type) of the KB entries its mentions link to: a training document's share
    # of the gazetteer, so a model sees only the KB entries of its training documents.
    gazetteer: list[tuple[str, str]] = field(default_factory=list)

    @property
    def site(self) -> str:
        """The site a page comes from, for templates: its outlet, or "?" when unknown."""
        return (self.outlet or "?").strip().lower()


def read_kb(path: Path) -> dict[str, dict[str, Any]]:
    """KB id -> entry; a missing KB is empty (gazetteers are then empty)."""
    from ..io import read_jsonl

    if not path.is_file():
        return {}
    return {r["id"]: r for r in read_jsonl(path) if isinstance(r.get("id"), str)}


def gazetteer_of(entities: list[dict[str, Any]], kb: dict[str, dict[str, Any]]) -> list:
    out = set()
    for m in entities:
        entry = kb.get(m.get("kb") or "")
        if entry is None:
            continue
        names = [entry.get("name")] + list(entry.get("aliases") or [])
        out |= {(n, entry.get("type") or m["type"]) for n in names if isinstance(n, str) and n}
    return sorted(out)


def unlabeled_doc(
    doc_id: str, text: str, title: str | None = None, outlet: str | None = None
) -> Doc:
    """A document without gold: every non-empty line, labels unknown."""
    from ..text import iter_lines

    lines = [{"start": s.start, "end": s.end, "label": None} for s in iter_lines(text)]
    return Doc(doc_id, text, lines, [], title=title, outlet=outlet)


def with_content_lines(doc: Doc, labels: list[str]) -> Doc:
    """A copy of `doc` whose lines carry `labels` and whose sentences are those of the lines
    labelled content (as the dataset builds them from the gold)."""
    from ..text import Span, sentences

    lines = [{**ln, "label": lab} for ln, lab in zip(doc.lines, labels, strict=True)]
    sents = []
    for ln in lines:
        if ln["label"] in schema.CONTENT_LABELS:
            for s in sentences(doc.text, Span(ln["start"], ln["end"])):
                sents.append((s.start, s.end, [(t.start, t.end) for t in s.tokens]))
    return Doc(
        doc.doc_id, doc.text, lines, sents, [], [], doc.story_id, doc.outlet, doc.title, doc.split
    )


def load_docs(dataset_dir: Path, kb_path: Path | None = None) -> dict[str, dict[str, Doc]]:
    """{split: {doc_id: Doc}} from the `documents` and `events` configs (and the KB's aliases)."""
    from datasets import load_dataset

    if not (dataset_dir / "README.md").is_file():
        raise UserError(f"{dataset_dir}: no built dataset (run `tarifftalks build`)")
    kb = read_kb(kb_path) if kb_path else {}
    documents = load_dataset(str(dataset_dir), "documents")
    events = load_dataset(str(dataset_dir), "events")
    out: dict[str, dict[str, Doc]] = {}
    for split in sorted(documents):
        line_names = documents[split].features["lines"].feature["label"].names
        ev_feat = events[split].features["event_mentions"].feature
        ent_names = events[split].features["entity_mentions"].feature["type"].names
        by_id = {r["doc_id"]: r for r in events[split]}
        docs = {}
        for row in documents[split]:
            ev = by_id[row["doc_id"]]
            tokens = [(t["start"], t["end"]) for t in ev["tokens"]]
            sents = []
            for s in ev["sentences"]:
                toks = [t for t in tokens if s["start"] <= t[0] and t[1] <= s["end"]]
                sents.append((s["start"], s["end"], toks))
            entities = [
                {
                    "id": m["id"],
                    "start": m["start"],
                    "end": m["end"],
                    "type": ent_names[m["type"]],
                    "entity": m["entity"],
                    "level": m.get("level"),
                    "kb": m.get("kb"),
                }
                for m in ev["entity_mentions"]
            ]
            docs[row["doc_id"]] = Doc(
                doc_id=row["doc_id"],
                text=row["text"],
                lines=[{**ln, "label": line_names[ln["label"]]} for ln in row["lines"]],
                sentences=sents,
                entities=entities,
                events=[
                    {
                        "type": ev_feat["type"].names[e["type"]],
                        "realis": ev_feat["realis"].names[e["realis"]],
                        "trigger": {"start": e["trigger"]["start"], "end": e["trigger"]["end"]},
                        "arguments": [
                            {
                                "start": a["start"],
                                "end": a["end"],
                                "role": ev_feat["arguments"].feature["role"].names[a["role"]],
                            }
                            for a in e["arguments"]
                        ],
                    }
                    for e in ev["event_mentions"]
                ],
                story_id=row.get("story_id") or row["doc_id"],
                outlet=row.get("outlet"),
                title=row.get("title"),
                split=split,
                gazetteer=gazetteer_of(entities, kb),
            )
        out[split] = dict(sorted(docs.items()))
    return out


def doc_from_gold(document: Any, gold: dict[str, Any], kb: dict[str, dict[str, Any]]) -> Doc:
    """A Doc from a corpus document and its gold record (the dataset's rows, without Parquet)."""
    from ..release.records import event_row

    row = event_row(document, gold)
    entities = [
        {k: m[k] for k in ("id", "start", "end", "type", "entity", "level", "kb")}
        for m in row["entity_mentions"]
    ]
    tokens = [(t["start"], t["end"]) for t in row["tokens"]]
    sents = [
        (s["start"], s["end"], [t for t in tokens if s["start"] <= t[0] and t[1] <= s["end"]])
        for s in row["sentences"]
    ]
    return Doc(
        doc_id=document.doc_id,
        text=document.text,
        lines=[{k: ln[k] for k in ("start", "end", "label")} for ln in gold["lines"]],
        sentences=sents,
        entities=entities,
        events=[
            {
                "type": e["type"],
                "realis": e["realis"],
                "trigger": {"start": e["trigger"]["start"], "end": e["trigger"]["end"]},
                "arguments": [
                    {"start": a["start"], "end": a["end"], "role": a["role"]}
                    for a in e["arguments"]
                ],
            }
            for e in row["event_mentions"]
        ],
        story_id=document.story_id,
        outlet=document.outlet,
        title=document.title,
        gazetteer=gazetteer_of(entities, kb),
    )


def load_gold_docs(root: Path | None = None) -> dict[str, Doc]:
    """Every document with gold, straight from seeds/ and annotation/ (no built dataset needed):
    doc_id -> Doc, with `split` from `tarifftalks.splits` (train/validation/test/challenge)."""
    from .. import paths
    from ..corpus import load_documents
    from ..gold import read_gold_dir
    from ..splits import split_of_documents

    documents = load_documents(root)
    gold = read_gold_dir(paths.gold_dir(root))
    kb = read_kb(paths.kb_path(root))
    split = split_of_documents(documents, root)
    out = {}
    for d in documents:
        if d.doc_id in gold:
            doc = doc_from_gold(d, gold[d.doc_id], kb)
            doc.split = split[d.doc_id]
            out[d.doc_id] = doc
    return dict(sorted(out.items()))


def read_labelled_page(path: Path, doc_id: str | None = None) -> Doc:
    """A page labelled by hand for the line layer: one `label<TAB>text` per line, blank lines
    kept as blank lines (tests/fixtures/layouts/README.md). Labels are checked."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read ({exc})") from None
    text_lines, labels = [], []
    for n, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            text_lines.append("")
            continue
        label, sep, text = line.partition("\t")
        if not sep or label not in schema.LINE_LABELS or not text.strip():
            raise UserError(f"{path}:{n}: expected `label<TAB>text` with a line label")
        text_lines.append(text)
        labels.append(label)
    doc = unlabeled_doc(doc_id or path.stem, "\n".join(text_lines))
    if len(doc.lines) != len(labels):
        raise UserError(f"{path}: {len(labels)} labels for {len(doc.lines)} lines")
    return with_content_lines(doc, labels)
