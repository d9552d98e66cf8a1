"""Baseline inputs, read from the built dataset the way a researcher would: `load_dataset`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError


@dataclass
class Doc:
    """One document: text, line spans with labels, content sentences with tokens, gold layers."""

    doc_id: str
    text: str
    lines: list[dict[str, Any]]  # {"start", "end", "label"}
    sentences: list[tuple[int, int, list[tuple[int, int]]]]  # (start, end, tokens)
    entities: list[dict[str, Any]] = field(default_factory=list)  # {"id","start","end","type"}
    events: list[dict[str, Any]] = field(default_factory=list)  # gold events, names decoded


def load_docs(dataset_dir: Path) -> dict[str, dict[str, Doc]]:
    """{split: {doc_id: Doc}} from the `documents` and `events` configs."""
    from datasets import load_dataset

    if not (dataset_dir / "README.md").is_file():
        raise UserError(f"{dataset_dir}: no built dataset (run `tarifftalks build`)")
    documents = load_dataset(str(dataset_dir), "documents")
    events = load_dataset(str(dataset_dir), "events")
    out: dict[str, dict[str, Doc]] = {}
    for split in documents:
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
            docs[row["doc_id"]] = Doc(
                doc_id=row["doc_id"],
                text=row["text"],
                lines=[{**ln, "label": line_names[ln["label"]]} for ln in row["lines"]],
                sentences=sents,
                entities=[
                    {
                        "id": m["id"],
                        "start": m["start"],
                        "end": m["end"],
                        "type": ent_names[m["type"]],
                        "entity": m["entity"],
                    }
                    for m in ev["entity_mentions"]
                ],
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
            )
        out[split] = dict(sorted(docs.items()))
    return out
