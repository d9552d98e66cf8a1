"""`tarifftalks convert --to textee|maven-arg|conll|spacy --out DIR`: the release in the formats
event-extraction and NER code reads, made from a full dataset folder (`dataset/`, or one made by
`tarifftalks rehydrate`). These files carry the article texts: they are for your own research,
never for redistribution (the text-free form is the one to share).

One file per split, named as each format's own tools expect (`validation` becomes `dev` or
`valid`). Each format keeps what it can hold and drops the rest (`Format.drops`, listed in the
card); a span off the token boundaries a token-based format needs is dropped and counted.

- textee: TextEE's processed format, one JSON object per content sentence (`doc_id`, `wnd_id`,
  `text`, `lang`, `tokens`, `entity_mentions` and `event_mentions` with token offsets, end
  exclusive; arguments point at entity mentions by `entity_id`).
- maven-arg: MAVEN-Arg's document format, one JSON object per document (`id`, `title`,
  `document`, `events` with coreferent trigger `mention`s and an `argument` map from role to
  entities, `entities` with their `mention`s, `negative_triggers`); character offsets into
  `document`, which is the document's content lines joined by newlines.
- conll: CoNLL-2003-style columns (`token -X- -X- tag`, IOB2 entity tags), `-DOCSTART-` per
  document, a blank line after each sentence.
- spacy: a spaCy DocBin per split, one Doc per document (its content tokens): entities in
  `doc.ents` (label = type, `kb_id_` = KB id), triggers in `doc.spans["triggers"]` (label =
  event type), the events with arguments, realis and cluster in `doc.user_data["events"]` (token
  offsets), each token's character offsets in `doc.user_data["offsets"]`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths, schema
from .errors import UserError
from .io import present, staged_dir
from .splits import SPLITS

Row = dict[str, Any]


# --- reading a full dataset folder --------------------------------------------------------------


def _decode(feature: Any, value: Any) -> Any:
    """A stored value with ClassLabel ids turned into their names."""
    from datasets import ClassLabel, LargeList, List

    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, (List, LargeList)):
        return [_decode(feature.feature, v) for v in value]
    if isinstance(feature, dict):
        return {k: _decode(f, value.get(k)) for k, f in feature.items()}
    return value


def read_release(dataset: Path, configs: Iterable[str]) -> dict[str, dict[str, list[Row]]]:
    """{config: {split: rows}} of a full dataset folder, labels as names."""
    import pyarrow.parquet as pq

    from .release.features import FEATURES

    out: dict[str, dict[str, list[Row]]] = {}
    for config in configs:
        features = FEATURES[config]()
        out[config] = {}
        for split in SPLITS:
            path = dataset / "data" / config / f"{split}.parquet"
            if not present(path):
                continue
            table = pq.read_table(path)
            if "text" not in table.column_names:
                raise UserError(
                    f"{dataset}: the text-free form holds no texts; run `tarifftalks rehydrate "
                    "--articles DIR` and convert the folder it writes"
                )
            out[config][split] = [_decode(features, row) for row in table.to_pylist()]
        if not out[config]:
            raise UserError(f"{dataset}: no data/{config}/*.parquet (run `tarifftalks build`)")
    return out


# --- the formats ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What a conversion left out, by reason (printed, so nothing is lost silently)."""

    counts: dict[str, int]

    def add(self, reason: str, n: int = 1) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + n


def _token_spans(toks: list[Row]) -> Callable[[Row], tuple[int, int] | None]:
    """span -> (its first token, its last token + 1) among `toks`; None off token boundaries."""
    first = {t["start"]: i for i, t in enumerate(toks)}
    last = {t["end"]: i + 1 for i, t in enumerate(toks)}

    def tok(span: Row) -> tuple[int, int] | None:
        a, b = first.get(span["start"]), last.get(span["end"])
        return None if a is None or b is None else (a, b)

    return tok


def _inside(span: Row, lo: int, hi: int) -> bool:
    return lo <= span["start"] and span["end"] <= hi


def textee_records(row: Row, tally: Tally) -> list[Row]:
    """One TextEE instance per content sentence of an `events` row."""
    text, doc_id = row["text"], row["doc_id"]
    mentions = {m["id"]: m for m in row["entity_mentions"]}
    out = []
    for k, sent in enumerate(row["sentences"]):
        lo, hi = sent["start"], sent["end"]
        toks = [t for t in row["tokens"] if lo <= t["start"] and t["end"] <= hi]
        tok = _token_spans(toks)

        ents, kept = [], set()
        for m in row["entity_mentions"]:
            if not _inside(m, lo, hi):
                continue
            span = tok(m)
            if span is None:
                tally.add("entity mentions off token boundaries")
                continue
            kept.add(m["id"])
            ents.append(
                {
                    "id": f"{doc_id}-{m['id']}",
                    "entity_type": m["type"],
                    "text": m["text"],
                    "start": span[0],
                    "end": span[1],
                }
            )
        events = []
        for e in row["event_mentions"]:
            if not _inside(e["trigger"], lo, hi):
                continue
            span = tok(e["trigger"])
            if span is None:
                tally.add("triggers off token boundaries")
                continue
            args = []
            for a in e["arguments"]:
                if a["mention"] not in kept:
                    tally.add("arguments outside the trigger's sentence")
                    continue
                m = mentions[a["mention"]]
                a_span = tok(m)
                assert a_span is not None  # kept mentions are on token boundaries
                args.append(
                    {
                        "entity_id": f"{doc_id}-{a['mention']}",
                        "role": a["role"],
                        "text": m["text"],
                        "start": a_span[0],
                        "end": a_span[1],
                    }
                )
            events.append(
                {
                    "id": f"{doc_id}-{e['id']}",
                    "event_type": e["type"],
                    "trigger": {"text": e["trigger"]["text"], "start": span[0], "end": span[1]},
                    "arguments": args,
                }
            )
        out.append(
            {
                "doc_id": doc_id,
                "wnd_id": f"{doc_id}-s{k:03d}",
                "text": text[lo:hi],
                "lang": "en",
                "tokens": [text[t["start"] : t["end"]] for t in toks],
                "entity_mentions": ents,
                "event_mentions": events,
            }
        )
    return out


def maven_document(row: Row, title: str | None, tally: Tally) -> Row:
    """A MAVEN-Arg document from an `events` row: events are (cluster, type) groups of
    trigger mentions, entities the coreference clusters of entity mentions."""
    text, doc_id = row["text"], row["doc_id"]
    lines = row["content_lines"]
    bases, pos = [], 0
    for ln in lines:
        bases.append(pos)
        pos += ln["end"] - ln["start"] + 1
    document = "\n".join(text[ln["start"] : ln["end"]] for ln in lines)

    def offset(span: Row) -> list[int] | None:
        for ln, base in zip(lines, bases, strict=True):
            if _inside(span, ln["start"], ln["end"]):
                return [span["start"] - ln["start"] + base, span["end"] - ln["start"] + base]
        return None

    entities: dict[tuple[str, str], Row] = {}
    entity_of: dict[str, str] = {}
    for m in row["entity_mentions"]:
        off = offset(m)
        if off is None:
            tally.add("entity mentions outside the content lines")
            continue
        key = (m["entity"] or m["id"], m["type"])
        ent = entities.setdefault(
            key, {"id": f"{doc_id}:{key[0]}#{key[1]}", "type": m["type"], "mention": []}
        )
        ent["mention"].append({"id": f"{doc_id}:{m['id']}", "mention": m["text"], "offset": off})
        entity_of[m["id"]] = ent["id"]
    events: dict[tuple[str, str], Row] = {}
    for e in row["event_mentions"]:
        off = offset(e["trigger"])
        if off is None:
            tally.add("triggers outside the content lines")
            continue
        cluster = e["cluster"] or f"{doc_id}/{e['id']}"
        ev = events.setdefault(
            (cluster, e["type"]),
            {
                "id": f"{doc_id}:{cluster}#{e['type']}",
                "type": e["type"],
                "type_id": schema.EVENT_TYPE_NAMES.index(e["type"]),
                "mention": [],
                "argument": {r: [] for r in schema.roles_for(e["type"])},
            },
        )
        ev["mention"].append(
            {"id": f"{doc_id}:{e['id']}", "trigger_word": e["trigger"]["text"], "offset": off}
        )
        for a in e["arguments"]:
            if a["mention"] not in entity_of:
                tally.add("arguments outside the content lines")
                continue
            slot = ev["argument"].setdefault(a["role"], [])
            arg = {"entity_id": entity_of[a["mention"]]}
            if arg not in slot:
                slot.append(arg)
    return {
        "id": doc_id,
        "title": title or "",
        "document": document,
        "events": list(events.values()),
        "entities": list(entities.values()),
        "negative_triggers": [],
    }


def conll_lines(rows: list[Row], tally: Tally) -> list[str]:
    """CoNLL-2003 columns from `entities` rows (one per sentence, in document order)."""
    out: list[str] = []
    doc = None
    for r in rows:
        if r["doc_id"] != doc:
            doc = r["doc_id"]
            out += ["-DOCSTART- -X- -X- O", ""]
        for token, tag in zip(r["tokens"], r["ner_tags"], strict=True):
            if any(c.isspace() for c in token):
                tally.add("tokens holding whitespace (written with _ for it)")
                token = "".join("_" if c.isspace() else c for c in token)
            out.append(f"{token} -X- -X- {tag}")
        out.append("")
    return out


def spacy_doc(row: Row, vocab: Any, tally: Tally) -> Any:
    """A spaCy Doc of a document's content tokens (see the module docstring)."""
    from spacy.tokens import Doc, Span

    text = row["text"]
    toks = row["tokens"]
    words = [text[t["start"] : t["end"]] for t in toks]
    spaces = [i + 1 < len(toks) and toks[i + 1]["start"] > t["end"] for i, t in enumerate(toks)]
    starts = {s["start"] for s in row["sentences"]}
    doc = Doc(vocab, words=words, spaces=spaces, sent_starts=[t["start"] in starts for t in toks])
    tok = _token_spans(toks)
    ents = []
    for m in row["entity_mentions"]:
        span = tok(m)
        if span is None:
            tally.add("entity mentions off token boundaries")
            continue
        ents.append(Span(doc, span[0], span[1], label=m["type"], kb_id=m["kb"] or ""))
    doc.ents = ents
    triggers, events = [], []
    for e in row["event_mentions"]:
        span = tok(e["trigger"])
        if span is None:
            tally.add("triggers off token boundaries")
            continue
        triggers.append(Span(doc, span[0], span[1], label=e["type"]))
        args = []
        for a in e["arguments"]:
            a_span = tok(a)
            if a_span is None:
                tally.add("arguments off token boundaries")
                continue
            args.append({"role": a["role"], "start": a_span[0], "end": a_span[1]})
        events.append(
            {
                "id": e["id"],
                "type": e["type"],
                "realis": e["realis"],
                "cluster": e["cluster"],
                "trigger": [span[0], span[1]],
                "arguments": args,
            }
        )
    doc.spans["triggers"] = triggers
    doc.user_data["doc_id"] = row["doc_id"]
    doc.user_data["events"] = events
    doc.user_data["offsets"] = [[t["start"], t["end"]] for t in toks]
    return doc


def _jsonl(records: Iterable[Row]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _textee(data: dict[str, dict[str, list[Row]]], split: str, tally: Tally) -> bytes:
    return _jsonl(r for row in data["events"][split] for r in textee_records(row, tally))


def _maven(data: dict[str, dict[str, list[Row]]], split: str, tally: Tally) -> bytes:
    titles = {r["doc_id"]: r["title"] for r in data["documents"][split]}
    return _jsonl(maven_document(r, titles[r["doc_id"]], tally) for r in data["events"][split])


def _conll(data: dict[str, dict[str, list[Row]]], split: str, tally: Tally) -> bytes:
    return ("\n".join(conll_lines(data["entities"][split], tally)) + "\n").encode("utf-8")


def _spacy(data: dict[str, dict[str, list[Row]]], split: str, tally: Tally) -> bytes:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = DocBin(store_user_data=True)
    for row in data["events"][split]:
        docs.add(spacy_doc(row, nlp.vocab, tally))
    return docs.to_bytes()


@dataclass(frozen=True)
class Format:
    name: str
    configs: tuple[str, ...]  # the configs it is made from
    suffix: str
    split_names: dict[str, str]  # our split -> the format's usual file name
    write: Callable[[dict[str, dict[str, list[Row]]], str, Tally], bytes]
    keeps: str
    drops: str

    def file_name(self, split: str) -> str:
        return self.split_names.get(split, split) + self.suffix


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "textee",
            ("events",),
            ".json",
            {"validation": "dev"},
            _textee,
            "content sentences with tokens; entity mentions (type); event mentions (type, "
            "trigger) with arguments (role, entity mention), all as token offsets",
            "boilerplate lines; realis; entity and event coreference (within and across "
            "documents); mention levels, KB links, TIMEX values; character offsets; arguments "
            "outside their trigger's sentence (none in this release)",
        ),
        Format(
            "maven-arg",
            ("events", "documents"),
            ".jsonl",
            {"validation": "valid"},
            _maven,
            "title; content text; entities as coreference clusters of mentions (type); events "
            "as within-document clusters of trigger mentions (type) with arguments per role "
            "(entity); the TariffTalks cluster id in each event id (`<doc_id>:<cluster>#<type>`)",
            "boilerplate lines; sentences and tokens; realis; which mention carries an argument "
            "(arguments belong to the event) and which of the entity's mentions it is; mention "
            "levels, KB links, TIMEX values",
        ),
        Format(
            "conll",
            ("entities",),
            ".txt",
            {"validation": "valid"},
            _conll,
            "content sentences as tokens with IOB2 entity tags, documents separated",
            "everything else: events, coreference, levels, KB links, TIMEX values, offsets, "
            "boilerplate",
        ),
        Format(
            "spacy",
            ("events",),
            ".spacy",
            {"validation": "dev"},
            _spacy,
            "content tokens and sentences; entities (type, KB id); triggers (type); events with "
            "arguments (role, token span), realis and cluster id in `user_data`; each token's "
            "character offsets in `user_data`",
            "boilerplate lines; the exact whitespace between tokens (spaCy keeps one space or "
            "none); entity coreference, mention levels, TIMEX values",
        ),
    )
}


def formats_table() -> str:
    """The card's table of formats: what each keeps and drops."""
    rows = [
        f"| `{f.name}` | {', '.join(f'`{f.file_name(s)}`' for s in SPLITS)} | {f.keeps} | "
        f"{f.drops} |"
        for f in FORMATS.values()
    ]
    return "| format | files | keeps | drops |\n|---|---|---|---|\n" + "\n".join(rows)


def convert(dataset: Path, fmt: str, out: Path) -> dict[str, Any]:
    """Write `fmt`'s files for every split of `dataset` into `out` (swapped in whole)."""
    f = FORMATS[fmt]
    data = read_release(dataset, f.configs)
    tally = Tally({})
    blobs = {
        f.file_name(split): f.write(data, split, tally)
        for split in SPLITS
        if split in data[f.configs[0]]
    }
    with staged_dir(out) as staging:
        for name, blob in sorted(blobs.items()):
            (staging / name).write_bytes(blob)
    return {"files": sorted(blobs), "dropped": dict(sorted(tally.counts.items()))}


def cmd_convert(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    dataset = Path(args.dataset) if args.dataset else paths.dataset_dir(root)
    if not (dataset / "data").is_dir():
        raise UserError(f"{dataset}: no built dataset (run `tarifftalks build`)")
    result = convert(dataset, args.to, Path(args.out))
    print(f"wrote {', '.join(result['files'])} ({args.to}) to {args.out}")
    for reason, n in result["dropped"].items():
        print(f"  left out: {n} {reason}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert",
        help="the release in TextEE, MAVEN-Arg, CoNLL or spaCy format (carries the texts)",
        description=(
            "Convert a full dataset folder (dataset/, or one written by `tarifftalks "
            "rehydrate`) into a standard format, one file per split. The files carry the "
            "article texts: for your own research, never for redistribution."
        ),
    )
    p.add_argument("--to", required=True, choices=sorted(FORMATS), help="the format")
    p.add_argument("--out", required=True, help="output folder (replaced whole)")
    p.add_argument("--dataset", help="full dataset folder (default: <root>/dataset)")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.set_defaults(func=cmd_convert)
