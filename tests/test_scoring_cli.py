"""`tarifftalks score` end to end on the checkout's gold: table, JSON with docs/DESIGN.md §7 keys,
intervals, gold as predictions (1.0 on every layer the gold annotates), empty predictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarifftalks.cli import main
from tarifftalks.corpus import load_documents
from tarifftalks.gold import read_gold_dir


@pytest.fixture()
def root(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TARIFFTALKS_ROOT", str(repo_copy))
    return repo_copy


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["score", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _annotated_layers(root: Path, split_ids: list[str]) -> set[str]:
    gold = read_gold_dir(root / "annotation" / "gold")
    docs = [gold[i] for i in split_ids]
    layers = set()
    if all(d["lines"] for d in docs):
        layers.add("boilerplate")
    if any(d["entities"] for d in docs):
        layers.add("entities")
    if any(d["events"] for d in docs):
        layers.add("events")
    return layers


def _figures(node: object, path: str = "") -> list[tuple[str, float]]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in ("ci", "per_type", "per_label", "meta"):
                out += _figures(v, f"{path}.{k}")
    elif path.rsplit(".", 1)[-1] in ("p", "r", "f1", "accuracy"):
        out.append((path, node))
    return out


def test_gold_as_predictions_scores_one(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "gold.jsonl"
    code, _, err = run(["--split", "all", "--export-gold", str(out_file)], capsys)
    assert code == 0, err
    ids = [json.loads(x)["doc_id"] for x in out_file.read_text().splitlines()]
    # Every document of the corpus has gold: the seeds and the challenge documents.
    assert ids == sorted(read_gold_dir(root / "annotation" / "gold"))
    assert ids == sorted(d.doc_id for d in load_documents(root))
    layers = _annotated_layers(root, ids)
    if not layers:
        pytest.skip("the gold annotates no layer yet")
    code, out, err = run(
        ["--split", "all", "--pred", str(out_file), "--json", "--bootstrap", "100"], capsys
    )
    assert code == 0, err
    result = json.loads(out)
    checked = 0
    for layer in layers:
        for path, value in _figures(result[layer], layer):
            assert value == 1.0, path
            checked += 1
    if "entities" in layers:
        # MUC is 0 by definition when no gold cluster has two mentions
        for name in ("bcub", "ceafe", "lea"):
            assert result["coreference"]["entities"][name]["f1"] == 1.0
    assert checked > 0


def test_table_and_json(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_file = tmp_path / "gold.jsonl"
    assert run(["--split", "test", "--export-gold", str(gold_file)], capsys)[0] == 0
    first = gold_file.read_text().splitlines()[0]  # tt-001 left out: scored as empty
    pred = tmp_path / "p.jsonl"
    pred.write_text(first + "\n")

    code, out, err = run(["--split", "test", "--pred", str(pred), "--bootstrap", "200"], capsys)
    assert code == 0, err
    for needle in (
        "line accuracy",
        "strict (start, end, type)",
        "arg_c_plus",
        "CEAF-e",
        "LEA",
        "CoNLL F1",
        "95% CI",
        "1 missing",
        "tt-001",
        "200 resamples",
    ):
        assert needle in out, needle

    code, out, _ = run(
        ["--split", "test", "--pred", str(pred), "--json", "--bootstrap", "200"], capsys
    )
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"boilerplate", "entities", "events", "coreference", "meta"}
    assert set(result["entities"]["strict"]) >= {"p", "r", "f1", "ci"}
    assert set(result["events"]) == {
        "trigger_i",
        "trigger_c",
        "arg_i",
        "arg_c",
        "arg_i_plus",
        "arg_c_plus",
        "realis",
    }
    assert result["meta"]["missing"] == ["tt-001"]
    assert result["meta"]["split"] == "test"
    lo, hi = result["boilerplate"]["accuracy"]["ci"]["accuracy"]
    assert 0 <= lo <= result["boilerplate"]["accuracy"]["accuracy"] <= hi <= 1
    # fixed seed: the same intervals on a second run; another seed may differ
    again = json.loads(
        run(["--split", "test", "--pred", str(pred), "--json", "--bootstrap", "200"], capsys)[1]
    )
    assert again == result


def test_layers_and_no_bootstrap(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "empty.jsonl"
    pred.write_text("")
    code, out, _ = run(
        [
            "--split",
            "validation",
            "--pred",
            str(pred),
            "--json",
            "--bootstrap",
            "0",
            "--layers",
            "boilerplate",
        ],
        capsys,
    )
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"boilerplate", "meta"}
    assert "ci" not in result["boilerplate"]["accuracy"]
    assert result["boilerplate"]["accuracy"]["accuracy"] == 0.0
    assert result["boilerplate"]["boilerplate"]["r"] == 0.0


def test_another_gold_folder(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "nogold"
    empty.mkdir()
    code, _, err = run(["--split", "test", "--gold", str(empty), "--pred", "x"], capsys)
    assert code == 2
    assert "no gold file for tt-000, tt-001" in err
