"""The columnar engine (`tarifftalks score`'s path) against the per-document reference: the same
problems with the same line numbers from the fast reader as from `parse_predictions`, and the
same figures from `score_columns` as from `score()` (coreference up to float rounding)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarifftalks import schema
from tarifftalks.errors import UserError
from tarifftalks.scoring import columnar, fastread
from tarifftalks.scoring.predictions import parse_predictions
from tarifftalks.scoring.score import score, score_fast
from tarifftalks.text import iter_lines

from .scoring_cases import TEXTS, gold_docs, pred_docs

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(a: Any, b: Any, path: str = "") -> None:
    """Equal results: ints and strings exactly, floats to 1e-12 (sums in another order)."""
    if isinstance(a, dict):
        assert set(a) == set(b), (path, set(a) ^ set(b))
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_hand_built_cases_score_the_same():
    g, p = gold_docs(), pred_docs()
    same(score(g, p, TEXTS, n_resamples=200), score_fast(g, p, TEXTS, n_resamples=200))
    # gold against itself: every figure exactly 1 (no rounding anywhere)
    ones = score_fast(g, g, TEXTS, n_resamples=0)
    assert ones["coreference"]["entities"]["bcub"]["f1"] == 1.0
    assert ones["entities"]["strict"]["f1"] == 1.0


# --- random documents: both engines ---------------------------------------------------------

WORDS = ["Japan", "tariff", "talks", "U.S.", "said", "  ", "Tokyo"]


@st.composite
def corpus(draw) -> tuple[dict[str, dict], dict[str, dict], dict[str, str]]:
    """Small documents with gold (mention-id arguments) and predictions (offsets) drawn from
    the same spans, so matches, near misses, duplicates and missing clusters all occur."""
    n_docs = draw(st.integers(1, 4))
    gold, pred, texts = {}, {}, {}
    for d in range(n_docs):
        rows = [
            " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5)))
            for _ in range(draw(st.integers(1, 4)))
        ]
        text = "\n".join(rows) + "\n"
        doc_id = f"d{d}"
        texts[doc_id] = text
        lines = [(s.start, s.end) for s in iter_lines(text)]
        spans = sorted({(a, b) for a in range(0, len(text), 3) for b in (a + 2, a + 4)})
        spans = [sp for sp in spans if sp[1] <= len(text)] or [(0, 1)]
        span = st.sampled_from(spans)
        cluster = st.one_of(st.none(), st.sampled_from(["a", "b", 1, 2]))
        etype = st.sampled_from(schema.ENTITY_TYPE_NAMES[:3])

        def side(
            gold_side: bool, span=span, etype=etype, cluster=cluster, lines=lines, doc_id=doc_id
        ) -> dict[str, Any]:
            ents = []
            for k, (s, e) in enumerate(draw(st.lists(span, max_size=6, unique=True))):
                m = {"start": s, "end": e, "type": draw(etype), "entity": draw(cluster)}
                if gold_side:
                    m["id"] = f"T{k}"
                ents.append(m)
            events = []
            for s, e in draw(st.lists(span, max_size=3)):
                vtype = draw(st.sampled_from(schema.EVENT_TYPE_NAMES[:2]))
                args = []
                for _ in range(draw(st.integers(0, 2)) if ents else 0):
                    m = draw(st.sampled_from(ents))
                    role = draw(st.sampled_from(schema.roles_for(vtype)))
                    arg = (
                        {"mention": m["id"]}
                        if gold_side
                        else {"start": m["start"], "end": m["end"]}
                    )
                    args.append({**arg, "role": role})
                events.append(
                    {
                        "trigger": {"start": s, "end": e},
                        "type": vtype,
                        "realis": draw(st.sampled_from([*schema.REALIS_NAMES[:2], None])),
                        "cluster": draw(cluster),
                        "arguments": args,
                    }
                )
            chosen = (
                draw(st.lists(st.sampled_from(lines), max_size=len(lines), unique=True))
                if lines
                else []
            )
            label = st.sampled_from(["body", "title", "byline", "related"])
            rec: dict[str, Any] = {"doc_id": doc_id, "entities": ents, "events": events}
            rec["lines"] = [{"start": s, "end": e, "label": draw(label)} for s, e in chosen]
            return rec

        gold[doc_id] = side(True)
        if draw(st.booleans()) or d == 0:
            pred[doc_id] = side(False)
    return gold, pred, texts


@SETTINGS
@given(corpus())
def test_columnar_engine_equals_the_reference(case):
    gold, pred, texts = case
    same(score(gold, pred, texts, n_resamples=20), score_fast(gold, pred, texts, n_resamples=20))


# --- the fast reader against the careful validator ----------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 99)
    | st.floats(allow_nan=False)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
TEXT = "Japan and the U.S. held talks.\nBy Jane Doe\n"
READER_TEXTS = {"a": TEXT, "b": "Tokyo said so.\n"}
GOOD = {
    "doc_id": "a",
    "lines": [{"start": 0, "end": 30, "label": "body"}],
    "entities": [{"start": 0, "end": 5, "type": "GPE", "entity": "c1"}],
    "events": [
        {
            "trigger": {"start": 24, "end": 29},
            "type": "Contact:Negotiate",
            "realis": "actual",
            "cluster": "v",
            "arguments": [{"start": 0, "end": 5, "role": "Participant"}],
        }
    ],
}
# every place a value sits in a record, as a path of keys and indices
SLOTS = [
    ("doc_id",),
    ("lines",),
    ("lines", 0),
    ("lines", 0, "start"),
    ("lines", 0, "label"),
    ("entities",),
    ("entities", 0),
    ("entities", 0, "end"),
    ("entities", 0, "type"),
    ("entities", 0, "entity"),
    ("events",),
    ("events", 0),
    ("events", 0, "trigger"),
    ("events", 0, "trigger", "start"),
    ("events", 0, "type"),
    ("events", 0, "realis"),
    ("events", 0, "cluster"),
    ("events", 0, "arguments"),
    ("events", 0, "arguments", 0),
    ("events", 0, "arguments", 0, "role"),
    ("events", 0, "arguments", 0, "start"),
]


def _put(record: dict, path: tuple, value: Any) -> dict:
    """A copy of record with the value at path replaced (unchanged where an earlier
    replacement took the path away)."""
    out = json.loads(json.dumps(record))
    node: Any = out
    try:
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    except (TypeError, IndexError, KeyError):
        return record
    return out


@st.composite
def prediction_line(draw) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return json.dumps(draw(JSON))  # any JSON value at all
    if kind == 1:
        return draw(st.sampled_from(["", "   ", "{oops", "[1, 2]", '{"doc_id": "b"}']))
    record = dict(GOOD, doc_id=draw(st.sampled_from(["a", "b", "zz"])))
    for _ in range(draw(st.integers(0, 2))):
        record = _put(record, draw(st.sampled_from(SLOTS)), draw(JSON))
    return json.dumps(record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(prediction_line(), max_size=6), st.integers(1, 3))
def test_the_fast_reader_finds_what_the_careful_validator_finds(tmp_path_factory, lines, block):
    """Any JSON value in any slot: both refuse with the same problems on the same lines, or
    both accept the same predictions (scored the same). Never an exception."""
    path = tmp_path_factory.mktemp("p") / "p.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, expected = parse_predictions(path.read_text().split("\n"), READER_TEXTS)
    ids = ["a", "b"]
    vocab = columnar.Vocab()
    old = fastread.BLOCK_BYTES
    fastread.BLOCK_BYTES = 64 * block  # several blocks: line numbers across block ends
    try:
        with pytest.raises(UserError) if expected else _nothing():
            side, pred_ids = fastread.read_columns(path, READER_TEXTS, ids, vocab, shown=0)
    finally:
        fastread.BLOCK_BYTES = old
    if expected:
        return
    assert sorted(records) == [i for i in pred_ids if i in READER_TEXTS]
    gold = {"a": GOOD, "b": {"doc_id": "b"}}
    same(
        score(gold, records, READER_TEXTS, n_resamples=0),
        score_fast(gold, records, READER_TEXTS, n_resamples=0),
    )


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_problems_are_the_careful_paths_with_their_line_numbers(tmp_path):
    texts = {"a": TEXT, "c": TEXT, "d": TEXT}
    path = tmp_path / "p.jsonl"
    bad_label = _put(dict(GOOD, doc_id="c"), ("lines", 0, "label"), ["body"])
    bad_arg = _put(dict(GOOD, doc_id="d"), ("events", 0, "arguments", 0), "Japan")
    rows = [GOOD, bad_label, bad_arg, GOOD]
    path.write_text("\n\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(UserError) as err:
        fastread.read_columns(path, texts, ["a"], columnar.Vocab(), shown=0)
    expected = parse_predictions(path.read_text().split("\n"), texts)[1]
    assert err.value.problems == expected
    assert expected == [
        (3, "c: lines[0]: unknown line label ['body']"),
        (5, "d: events[0].arguments[0]: expected an object with start and end, got a string"),
        (7, "doc_id 'a' already given on line 1"),
    ]


def test_keys_are_equal_exactly_for_equal_rows_even_past_63_bits():
    rng = np.random.default_rng(0)
    cols = [rng.integers(0, 3, 500) * (1 << 40) for _ in range(3)]  # 3 x 42 bits
    k = columnar.keys(*cols)
    rows = list(zip(*(c.tolist() for c in cols), strict=True))
    by_key: dict[int, tuple] = {}
    for key, row in zip(k.tolist(), rows, strict=True):
        assert by_key.setdefault(key, row) == row
    assert len(by_key) == len(set(rows))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(st.sampled_from(list("ab \n\t\r\x0c\x1c\xa0\u2028\u3000é")), max_size=20),
        min_size=1,
        max_size=4,
    )
)
def test_line_spans_are_iter_lines(texts):
    d, s, e = fastread.line_spans(texts)
    got = sorted(zip(d.tolist(), s.tolist(), e.tolist(), strict=True))
    assert got == sorted((i, x.start, x.end) for i, t in enumerate(texts) for x in iter_lines(t))


def test_integer_cluster_ids_take_the_careful_path_and_score_the_same(tmp_path):
    rec = _put(GOOD, ("entities", 0, "entity"), 7)
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    side, _ = fastread.read_columns(Path(path), READER_TEXTS, ["a"], columnar.Vocab())
    assert len(side["ents.doc"]) == 1
