"""`tarifftalks convert`: each format read back (by code written from the format's description,
not by the writer) gives exactly what the release holds and the format can hold."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from tarifftalks import schema
from tarifftalks.cli import main
from tarifftalks.convert import FORMATS, read_release
from tarifftalks.splits import SPLITS


@pytest.fixture(scope="module")
def release(built) -> dict:
    return read_release(built, ("documents", "events", "entities"))


def _convert(built: Path, tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / fmt
    assert main(["convert", "--to", fmt, "--dataset", str(built), "--out", str(out)]) == 0
    present = [s for s in SPLITS if s in read_release(built, ("events",))["events"]]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        FORMATS[fmt].file_name(s) for s in present
    )
    return out


def _release_events(row: dict) -> tuple[set, set, set]:
    """(entity (start, end, type), event (trigger start, end, type), argument (trigger start,
    end, arg start, end, role)) of an `events` row, in character offsets."""
    ents = {(m["start"], m["end"], m["type"]) for m in row["entity_mentions"]}
    evs = {(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in row["event_mentions"]}
    args = {
        (e["trigger"]["start"], e["trigger"]["end"], a["start"], a["end"], a["role"])
        for e in row["event_mentions"]
        for a in e["arguments"]
    }
    return ents, evs, args


def test_textee_round_trip(built, tmp_path, release):
    out = _convert(built, tmp_path, "textee")
    for split, rows in release["events"].items():
        lines = (out / FORMATS["textee"].file_name(split)).read_text().splitlines()
        instances = [json.loads(line) for line in lines]
        by_doc = defaultdict(list)
        for inst in instances:
            assert set(inst) == {
                "doc_id", "wnd_id", "text", "lang", "tokens", "entity_mentions", "event_mentions"
            }  # fmt: skip
            by_doc[inst["doc_id"]].append(inst)
        for row in rows:
            insts = by_doc[row["doc_id"]]
            assert len(insts) == len(row["sentences"])
            toks = iter(row["tokens"])
            ents, evs, args = set(), set(), set()
            for inst, sent in zip(insts, row["sentences"], strict=True):
                assert inst["text"] == row["text"][sent["start"] : sent["end"]]
                spans = [next(toks) for _ in inst["tokens"]]  # token i -> character span
                assert inst["tokens"] == [row["text"][t["start"] : t["end"]] for t in spans]

                def chars(a: int, b: int, spans=spans) -> tuple[int, int]:
                    return spans[a]["start"], spans[b - 1]["end"]

                by_id = {}
                for m in inst["entity_mentions"]:
                    s, e = chars(m["start"], m["end"])
                    assert m["text"] == row["text"][s:e]
                    ents.add((s, e, m["entity_type"]))
                    by_id[m["id"]] = (s, e)
                for ev in inst["event_mentions"]:
                    ts, te = chars(ev["trigger"]["start"], ev["trigger"]["end"])
                    assert ev["trigger"]["text"] == row["text"][ts:te]
                    evs.add((ts, te, ev["event_type"]))
                    for a in ev["arguments"]:
                        s, e = chars(a["start"], a["end"])
                        assert by_id[a["entity_id"]] == (s, e)
                        args.add((ts, te, s, e, a["role"]))
            assert next(toks, None) is None
            assert (ents, evs, args) == _release_events(row)


def test_maven_arg_round_trip(built, tmp_path, release):
    out = _convert(built, tmp_path, "maven-arg")
    titles = {r["doc_id"]: r["title"] for rows in release["documents"].values() for r in rows}
    for split, rows in release["events"].items():
        lines = (out / FORMATS["maven-arg"].file_name(split)).read_text().splitlines()
        docs = {d["id"]: d for d in map(json.loads, lines)}
        assert sorted(docs) == [r["doc_id"] for r in rows]
        for row in rows:
            doc = docs[row["doc_id"]]
            assert doc["title"] == (titles[row["doc_id"]] or "")
            text = doc["document"]
            # the document is the content lines joined by newlines: map offsets back
            lines_ = row["content_lines"]
            assert text.split("\n") == [row["text"][ln["start"] : ln["end"]] for ln in lines_]
            starts = []
            pos = 0
            for ln in lines_:
                starts.append((pos, ln["start"]))
                pos += ln["end"] - ln["start"] + 1

            def back(off: list[int], text=text, starts=starts) -> tuple[int, int]:
                base, orig = max(x for x in starts if x[0] <= off[0])
                return off[0] - base + orig, off[1] - base + orig

            ents, mention_of_entity, clusters = set(), {}, set()
            for ent in doc["entities"]:
                members = []
                for m in ent["mention"]:
                    assert text[m["offset"][0] : m["offset"][1]] == m["mention"]
                    s, e = back(m["offset"])
                    ents.add((s, e, ent["type"]))
                    members.append((s, e))
                mention_of_entity[ent["id"]] = frozenset(members)
                clusters.add(frozenset(members))
            evs, ev_clusters, ev_args = set(), set(), set()
            for ev in doc["events"]:
                assert ev["type_id"] == schema.EVENT_TYPE_NAMES.index(ev["type"])
                assert set(schema.roles_for(ev["type"])) <= set(ev["argument"])
                cluster_id = ev["id"].split(":", 1)[1].rsplit("#", 1)[0]
                members = []
                for m in ev["mention"]:
                    assert text[m["offset"][0] : m["offset"][1]] == m["trigger_word"]
                    s, e = back(m["offset"])
                    evs.add((s, e, ev["type"]))
                    members.append((s, e))
                ev_clusters.add((cluster_id, frozenset(members)))
                for role, fillers in ev["argument"].items():
                    for f in fillers:
                        ev_args.add((cluster_id, role, mention_of_entity[f["entity_id"]]))
            # what the release says, in the same terms
            r_ents, r_evs, _ = _release_events(row)
            assert ents == r_ents and evs == r_evs
            by_entity = defaultdict(set)
            for m in row["entity_mentions"]:
                by_entity[(m["entity"], m["type"])].add((m["start"], m["end"]))
            assert clusters == {frozenset(v) for v in by_entity.values()}
            by_cluster = defaultdict(set)
            for e in row["event_mentions"]:
                by_cluster[e["cluster"]].add((e["trigger"]["start"], e["trigger"]["end"]))
            assert ev_clusters == {(c, frozenset(v)) for c, v in by_cluster.items()}
            entity_of = {
                (m["start"], m["end"]): frozenset(by_entity[(m["entity"], m["type"])])
                for m in row["entity_mentions"]
            }
            assert ev_args == {
                (e["cluster"], a["role"], entity_of[(a["start"], a["end"])])
                for e in row["event_mentions"]
                for a in e["arguments"]
            }


def test_conll_round_trip(built, tmp_path, release):
    out = _convert(built, tmp_path, "conll")
    for split, rows in release["entities"].items():
        blocks = (out / FORMATS["conll"].file_name(split)).read_text().split("\n\n")
        sentences, docs = [], []
        for block in blocks:
            lines = [ln for ln in block.split("\n") if ln]
            if not lines:
                continue
            if lines[0].startswith("-DOCSTART-"):
                docs.append(len(sentences))
                continue
            cols = [ln.split(" ") for ln in lines]
            assert all(len(c) == 4 and c[1:3] == ["-X-", "-X-"] for c in cols)
            sentences.append(([c[0] for c in cols], [c[3] for c in cols]))
        assert [(r["tokens"], r["ner_tags"]) for r in rows] == sentences
        firsts = [i for i, r in enumerate(rows) if i == 0 or rows[i - 1]["doc_id"] != r["doc_id"]]
        assert docs == firsts
        # the tags give back every entity span of the release
        for (_, tags), r in zip(sentences, rows, strict=True):
            spans, start, kind = set(), None, ""
            for i, tag in enumerate([*tags, "O"]):
                if start is not None and not tag.startswith("I-"):
                    spans.add(
                        (r["token_spans"][start]["start"], r["token_spans"][i - 1]["end"], kind)
                    )
                    start = None
                if tag.startswith("B-"):
                    start, kind = i, tag[2:]
            assert spans == {(m["start"], m["end"], m["type"]) for m in r["entities"]}


def test_spacy_round_trip(built, tmp_path, release):
    import spacy
    from spacy.tokens import DocBin

    out = _convert(built, tmp_path, "spacy")
    nlp = spacy.blank("en")
    for split, rows in release["events"].items():
        path = out / FORMATS["spacy"].file_name(split)
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        assert [d.user_data["doc_id"] for d in docs] == [r["doc_id"] for r in rows]
        for doc, row in zip(docs, rows, strict=True):
            offsets = doc.user_data["offsets"]
            assert [t.text for t in doc] == [row["text"][s:e] for s, e in offsets]
            assert [(t["start"], t["end"]) for t in row["tokens"]] == [tuple(o) for o in offsets]
            assert [offsets[s.start][0] for s in doc.sents] == [
                s["start"] for s in row["sentences"]
            ]

            def chars(a: int, b: int, offsets=offsets) -> tuple[int, int]:
                return offsets[a][0], offsets[b - 1][1]

            ents = {(*chars(e.start, e.end), e.label_) for e in doc.ents}
            kb = {chars(e.start, e.end): e.kb_id_ or None for e in doc.ents}
            triggers = {(*chars(s.start, s.end), s.label_) for s in doc.spans["triggers"]}
            evs, args, extra = set(), set(), set()
            for ev in doc.user_data["events"]:
                ts, te = chars(*ev["trigger"])
                evs.add((ts, te, ev["type"]))
                extra.add((ts, te, ev["realis"], ev["cluster"]))
                for a in ev["arguments"]:
                    args.add((ts, te, *chars(a["start"], a["end"]), a["role"]))
            r_ents, r_evs, r_args = _release_events(row)
            assert ents == r_ents and triggers == r_evs == evs and args == r_args
            assert kb == {(m["start"], m["end"]): m["kb"] for m in row["entity_mentions"]}
            assert extra == {
                (e["trigger"]["start"], e["trigger"]["end"], e["realis"], e["cluster"])
                for e in row["event_mentions"]
            }


def test_convert_refuses_the_text_free_form(built, tmp_path, capsys):
    standoff = built.parent / "dataset-standoff"
    code = main(
        ["convert", "--to", "conll", "--dataset", str(standoff), "--out", str(tmp_path / "x")]
    )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "text-free form" in err[0]
    assert not (tmp_path / "x").exists()
