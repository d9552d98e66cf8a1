"""The prediction validator: every bad-input class is refused with its line number, all problems
of a file are listed, and the scorer then exits non-zero without scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarifftalks.cli import main
from tarifftalks.scoring.predictions import parse_predictions, validate_record

TEXT = "Japan and the U.S. held talks.\nBy Jane Doe\n"
TEXTS = {"a": TEXT, "b": "Tokyo said so.\n"}
JAPAN = {"start": 0, "end": 5}
TALKS = {"start": 24, "end": 29}


def problems(*records: object) -> list[tuple[int, str]]:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return parse_predictions(lines, TEXTS)[1]


def only(found: list[tuple[int, str]], line: int, needle: str) -> None:
    assert len(found) == 1, found
    assert found[0][0] == line, found
    assert needle in found[0][1], found


def test_a_valid_file_has_no_problems() -> None:
    records, found = parse_predictions(
        [
            json.dumps(
                {
                    "doc_id": "a",
                    "lines": [{"start": 0, "end": 30, "label": "body"}],
                    "entities": [{**JAPAN, "type": "GPE", "entity": "c1"}],
                    "events": [
                        {
                            "trigger": TALKS,
                            "type": "Contact:Negotiate",
                            "realis": "actual",
                            "cluster": 7,
                            "arguments": [{**JAPAN, "role": "Participant"}],
                        }
                    ],
                }
            ),
            "",  # blank lines are allowed
            json.dumps({"doc_id": "b"}),
        ],
        TEXTS,
    )
    assert found == []
    assert sorted(records) == ["a", "b"]


@pytest.mark.parametrize(
    ("record", "needle"),
    [
        ('{"doc_id": "a", ', "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ({"lines": []}, "doc_id missing"),
        ({"doc_id": "zz"}, "unknown doc_id 'zz'"),
        ({"doc_id": "a", "entities": [{"start": 0, "end": 99, "type": "GPE"}]}, "outside the text"),
        ({"doc_id": "a", "entities": [{"start": -1, "end": 3, "type": "GPE"}]}, "outside the text"),
        ({"doc_id": "a", "entities": [{"start": 3, "end": 3, "type": "GPE"}]}, "outside the text"),
        ({"doc_id": "a", "entities": [{"start": "0", "end": 5, "type": "GPE"}]}, "integers"),
        ({"doc_id": "a", "entities": [{**JAPAN, "type": "CITY"}]}, "unknown entity type 'CITY'"),
        ({"doc_id": "a", "entities": [{**JAPAN, "type": "GPE"}] * 2}, "given twice"),
        ({"doc_id": "a", "entities": {"start": 0}}, "expected a list"),
        (
            {"doc_id": "a", "lines": [{"start": 0, "end": 30, "label": "footer"}]},
            "unknown line label",
        ),
        (
            {"doc_id": "a", "lines": [{"start": 0, "end": 12, "label": "body"}]},
            "not a non-empty line",
        ),
        (
            {"doc_id": "a", "events": [{"trigger": TALKS, "type": "Contact:Chat"}]},
            "unknown event type",
        ),
        (
            {
                "doc_id": "a",
                "events": [{"trigger": {"start": 24, "end": 100}, "type": "Contact:Meet"}],
            },
            "events[0].trigger: offsets [24, 100) outside the text",
        ),
        (
            {
                "doc_id": "a",
                "events": [{"trigger": TALKS, "type": "Contact:Meet", "realis": "maybe"}],
            },
            "unknown realis",
        ),
        (
            {
                "doc_id": "a",
                "events": [
                    {
                        "trigger": TALKS,
                        "type": "Contact:Meet",
                        "arguments": [{**JAPAN, "role": "Boss"}],
                    }
                ],
            },
            "unknown role 'Boss'",
        ),
        (
            {
                "doc_id": "a",
                "events": [
                    {
                        "trigger": TALKS,
                        "type": "Contact:Meet",
                        "arguments": [{**JAPAN, "role": "Imposer"}],
                    }
                ],
            },
            "role 'Imposer' is not allowed for Contact:Meet",
        ),
        (
            {
                "doc_id": "a",
                "events": [
                    {
                        "trigger": TALKS,
                        "type": "Contact:Meet",
                        "arguments": [{"start": 0, "end": 500, "role": "Participant"}],
                    }
                ],
            },
            "arguments[0]: offsets [0, 500) outside the text",
        ),
        ({"doc_id": "a", "entities": [{**JAPAN, "type": "GPE", "entity": [1]}]}, "entity must be"),
    ],
)
def test_each_bad_input_class_is_refused_with_its_line(record: object, needle: str) -> None:
    # the bad record sits on line 3, after a good record and a blank line
    only(problems({"doc_id": "b"}, "", record), 3, needle)


def test_duplicated_doc_id_names_the_first_line() -> None:
    only(problems({"doc_id": "a"}, {"doc_id": "b"}, {"doc_id": "a"}), 3, "already given on line 1")


def test_every_problem_is_listed() -> None:
    found = problems(
        "not json",
        {
            "doc_id": "a",
            "entities": [{**JAPAN, "type": "X"}, {"start": 0, "end": 999, "type": "GPE"}],
        },
        {"doc_id": "nope"},
    )
    assert [n for n, _ in found] == [1, 2, 2, 3]


def test_validate_record_alone() -> None:
    assert validate_record({"doc_id": "a"}, TEXT) == []
    assert validate_record([], TEXT) == ["expected a JSON object, got a list"]


# --- through the command ---------------------------------------------------------------------


@pytest.fixture()
def root(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TARIFFTALKS_ROOT", str(repo_copy))
    return repo_copy


def test_the_command_lists_all_problems_and_scores_nothing(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "preds.jsonl"
    pred.write_text(
        "\n".join(
            [
                json.dumps(
                    {"doc_id": "tt-000", "entities": [{"start": 0, "end": 10**7, "type": "GPE"}]}
                ),
                "{oops",
                json.dumps({"doc_id": "tt-999"}),
                json.dumps({"doc_id": "tt-000"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    code = main(["score", "--split", "test", "--pred", str(pred)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    for n, needle in (
        (1, "outside the text"),
        (2, "not valid JSON"),
        (3, "unknown doc_id"),
        (4, "already given"),
    ):
        assert f"{pred}:{n}: " in err and needle in err
    assert "4 problem(s)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--pred", "/nonexistent/preds.jsonl"], "file not found"),
        (["--pred", "."], "is a folder"),
        (["--layers", "entities,sentiment", "--pred", "x"], "unknown layer"),
        ([], "--pred FILE is required"),
    ],
)
def test_user_errors_are_one_line(
    root: Path, args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--split", "test", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert len(err.strip().splitlines()) == 1


def test_not_utf8_is_refused(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "p.jsonl"
    pred.write_bytes(b'{"doc_id": "tt-000\xff"}\n')
    assert main(["score", "--pred", str(pred)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
