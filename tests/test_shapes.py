"""The shape layer and every reader built on it, fed JSON of random shape (hypothesis): each
input ends in a clean result or a clean refusal (UserError), never another exception."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarifftalks.adjudication import check_log, disagreements, item_values, read_log
from tarifftalks.agreement import agreement
from tarifftalks.corpus import MANIFEST_FIELDS, load_documents
from tarifftalks.errors import UserError
from tarifftalks.gold import canonicalize, read_gold_dir, read_gold_file, read_kb
from tarifftalks.io import parse_json, read_jsonl
from tarifftalks.shapes import (
    INT,
    MANIFEST_ROW,
    NULL,
    STR,
    ListOf,
    Shape,
    refusal,
    shape_problems,
)
from tarifftalks.validate import read_valid_gold_dir, validate_gold

from .conftest import REPO
from .test_agreement import _pass_b
from .test_validate import DOC, KB, TEXT, fixture_gold

# --- the helper -----------------------------------------------------------------------------------

ENTITY = Shape({"id": STR, "start": INT, "type": STR}, optional={"kb": (STR, NULL)})


def test_shape_problems_one_line_per_wrong_or_missing_key():
    assert shape_problems({"id": ["T1"], "start": 3}, ENTITY) == [
        "id: expected a string, got a list",
        "missing type",
    ]
    assert shape_problems({"id": "T1", "start": True, "type": "PER", "kb": 3}, ENTITY) == [
        "start: expected an integer, got a boolean",
        "kb: expected a string or null, got an integer",
    ]
    assert shape_problems("T1", ENTITY) == ["expected an object, got a string"]
    assert shape_problems([{"id": "a"}, 5], ListOf(Shape({"id": STR})), "rows") == [
        "rows[1]: expected an object, got an integer"
    ]


def test_nesting_follows_the_expected_shape_not_the_data():
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert shape_problems({"id": "T1", "start": 0, "type": deep}, ENTITY) == [
        "type: expected a string, got a list"
    ]


def test_refusal_lists_the_first_problems_then_counts_the_rest():
    err = refusal([f"p{i}" for i in range(25)], limit=20)
    lines = str(err).splitlines()
    assert lines[:2] == ["p0", "p1"] and len(lines) == 21
    assert lines[-1] == "… and 5 more problem(s)"


def test_hostile_json_text_is_one_clean_refusal(tmp_path):
    for text, needle in (
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("1" * 5000, "malformed JSON"),
        ("{oops", "malformed JSON"),
    ):
        with pytest.raises(UserError, match=needle):
            parse_json(text, "x")
        path = tmp_path / "tt-000.json"
        path.write_text(text)
        with pytest.raises(UserError, match=needle):
            read_gold_file(path)


def test_manifest_shape_names_every_manifest_field():
    assert set(MANIFEST_ROW.required) == set(MANIFEST_FIELDS)


def test_jsonl_reader_reports_every_bad_line_with_its_number(tmp_path):
    path = tmp_path / "kb.jsonl"
    path.write_text('{"id": "a"}\n\n[1]\n{"id": ["b"]}\n{bad\n{"id": "a"}\n')
    with pytest.raises(UserError) as err:
        read_jsonl(path, Shape({"id": STR}), unique="id")
    assert str(err.value).splitlines() == [
        f"{path}:3: expected an object, got a list",
        f"{path}:4: id: expected a string, got a list",
        f"{path}:5: malformed JSON (Expecting property name enclosed in double quotes "
        "at line 1 column 2)",
        f"{path}:6: id 'a' is also at {path}:1",
    ]


def test_two_gold_files_for_one_document_name_both(tmp_path):
    gold = fixture_gold()
    (tmp_path / "tt-fix.json").write_text(json.dumps(gold))
    (tmp_path / "tt-fix.old.json").write_text(json.dumps(gold))
    with pytest.raises(UserError) as err:
        read_gold_dir(tmp_path)
    assert str(err.value) == (
        f"{tmp_path / 'tt-fix.old.json'}: doc_id 'tt-fix' is also claimed by "
        f"{tmp_path / 'tt-fix.json'}; keep one file per document"
    )


# --- random shapes --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.sampled_from(["T1", "m2", "e1", "tt-fix", "PER", "body", "Traveler", "actual"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated(draw: st.DrawFn, valid: Any, n_max: int = 3) -> Any:
    """`valid` with 1..n_max places replaced by a random JSON value (or a key deleted)."""
    doc = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, n_max))):
        path = draw(st.sampled_from(list(_paths(doc))))
        new = draw(json_values)
        if not path:
            doc = new
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
    return doc


def _random_or_mutated(valid: Any) -> st.SearchStrategy:
    return st.one_of(mutated(valid), json_values)


PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _downstream(gold: dict) -> None:
    """Everything that consumes validated gold must take it."""
    canonicalize(gold)
    item_values(gold)
    disagreements(gold, gold, TEXT)
    agreement({DOC.doc_id: gold}, {DOC.doc_id: gold})


@PROPERTY
@given(_random_or_mutated(fixture_gold()))
def test_gold_validator_never_raises(gold):
    problems = validate_gold(gold, DOC, KB, "fixture.json")
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    assert all(p.startswith("fixture.json: ") and "\n" not in p for p in problems)
    if not problems:
        _downstream(gold)


@PROPERTY
@given(_random_or_mutated(fixture_gold()))
def test_gold_file_reader_and_validated_folder_reader(tmp_path, gold):
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        path = Path(folder) / "tt-fix.json"
        path.write_text(json.dumps(gold))
        try:
            read = read_gold_file(path)
        except UserError as exc:
            assert str(exc).startswith(str(path))
        else:
            assert isinstance(read["doc_id"], str) and isinstance(read["notes"], list)
        try:
            valid = read_valid_gold_dir(Path(folder), [DOC], KB, require_all=False)
        except UserError:
            return
        for g in valid.values():
            _downstream(g)


@PROPERTY
@given(_random_or_mutated([fixture_gold(), _pass_b()]))
def test_two_passes_read_validated_then_agreement_and_disagreements(tmp_path, passes):
    """The path `agreement` and `adjudicate` take: read each pass validated, then compare."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        read = []
        pair = passes if isinstance(passes, list) and len(passes) == 2 else [passes] * 2
        for name, record in zip("ab", pair, strict=True):
            (Path(folder) / name).mkdir()
            (Path(folder) / name / "tt-fix.json").write_text(json.dumps(record))
            try:
                read.append(read_valid_gold_dir(Path(folder) / name, [DOC], KB, False))
            except UserError:
                return
        a, b = read
        if a and b:
            agreement(a, b)
            disagreements(a[DOC.doc_id], b[DOC.doc_id], TEXT)


def _jsonl(rows: Any) -> str:
    if not isinstance(rows, list):
        return json.dumps(rows) + "\n"
    return "".join(json.dumps(r) + "\n" for r in rows)


MANIFEST_ROWS = [
    json.loads(line) for line in (REPO / "seeds" / "manifest.jsonl").read_text().splitlines()
]


@pytest.fixture(scope="module")
def seeds_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seeds_root")
    shutil.copytree(REPO / "seeds", root / "seeds")
    return root


@PROPERTY
@given(_random_or_mutated(MANIFEST_ROWS))
def test_manifest_reader_never_raises_anything_but_a_refusal(seeds_root, rows):
    (seeds_root / "seeds" / "manifest.jsonl").write_text(_jsonl(rows))
    try:
        docs = load_documents(seeds_root)
    except UserError as exc:
        assert "Traceback" not in str(exc)
        return
    for d in docs:
        assert all(isinstance(getattr(d, k), str) for k in ("doc_id", "story_id", "sha256"))


KB_ROWS = [json.loads(line) for line in (REPO / "annotation" / "kb.jsonl").read_text().splitlines()]


@PROPERTY
@given(_random_or_mutated(KB_ROWS[:6]))
def test_kb_reader_never_raises_anything_but_a_refusal(tmp_path, rows):
    path = tmp_path / "kb.jsonl"
    path.write_text(_jsonl(rows))
    try:
        kb = read_kb(path)
    except UserError:
        return
    assert all(isinstance(k, str) and row["id"] == k for k, row in kb.items())
    validate_gold(fixture_gold(), DOC, kb, "fixture.json")


def _log() -> list[dict]:
    diffs = disagreements(fixture_gold(), _pass_b(), TEXT)
    return [{**d, "chosen": "a", "rule": "§2", "why": "x"} for d in diffs]


@PROPERTY
@given(_random_or_mutated(_log()))
def test_adjudication_log_reader_and_check_never_raise(tmp_path, rows):
    path = tmp_path / "tt-fix.jsonl"
    path.write_text(_jsonl(rows))
    try:
        log = read_log(path)
    except UserError:
        return
    gold = fixture_gold()
    problems = check_log(gold, disagreements(gold, _pass_b(), TEXT), log, "log")
    assert all(isinstance(p, str) for p in problems)
