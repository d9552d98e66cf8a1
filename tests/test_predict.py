"""`tarifftalks predict`: baselines trained on the adjudicated gold pre-annotate any document;
the output is what `tarifftalks score` accepts (docs/DESIGN.md §10)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tarifftalks import schema
from tarifftalks.corpus import load_documents
from tarifftalks.corpus.ingest import ingest
from tarifftalks.scoring.predictions import read_predictions
from tarifftalks.splits import split_of_documents
from tarifftalks.text import iter_lines

from . import passages
from .conftest import REPO
from .conftest import run_cli as run


def corpus_with_a_new_document(root: Path) -> Path:
    """seeds/, annotation/ and the built dataset/ of this checkout, plus one ingested passage."""
    for name in ("seeds", "annotation", "dataset"):
        shutil.copytree(REPO / name, root / name)
    src = root.parent / "first_round.txt"
    src.write_text(passages.FIRST_ROUND, encoding="utf-8")
    ingest(root, [src], log=lambda _: None)
    return root


def new_document(root: Path) -> str:
    """The doc_id of the passage `corpus_with_a_new_document` ingested: the last, without gold."""
    new = load_documents(root)[-1].doc_id
    assert not (root / "annotation" / "gold" / f"{new}.json").exists()
    return new


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return corpus_with_a_new_document(tmp_path_factory.mktemp("predict") / "repo")


def predict_fast(capsys, root: Path, out: Path) -> tuple[int, str, str]:
    """The quick baselines (seconds): lines from jusText, entities and events from lexicons."""
    return run(
        capsys, "predict", "--root", str(root), "--systems", "justext", "lexicon", "--out", str(out)
    )


def test_default_predicts_the_documents_without_gold_every_layer(
    root, tmp_path, capsys, hf_offline
):
    out = tmp_path / "preds.jsonl"
    code, stdout, err = predict_fast(capsys, root, out)
    assert code == 0, err
    texts = {d.doc_id: d.text for d in load_documents(root)}
    new = new_document(root)
    # Every other document (the seeds and the challenge documents) has adjudicated gold.
    assert f"training on {len(texts) - 1} adjudicated document(s); predicting 1" in stdout
    preds = read_predictions(out, texts)  # the scorer's own reader and validator
    assert list(preds) == [new]
    rec = preds[new]
    assert rec["model_version"] == "baseline-justext+lexicon"
    text = texts[new]
    assert [(ln["start"], ln["end"]) for ln in rec["lines"]] == [
        (s.start, s.end) for s in iter_lines(text)
    ]
    assert rec["entities"] and rec["events"]
    content = [(x["start"], x["end"]) for x in rec["lines"] if x["label"] in schema.CONTENT_LABELS]
    for e in rec["entities"]:
        assert any(s <= e["start"] and e["end"] <= t for s, t in content)
    # Byte-identical on a second run (sorted keys, deterministic models).
    again = tmp_path / "again.jsonl"
    assert predict_fast(capsys, root, again)[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_sklearn_predictions_are_accepted_by_score(root, tmp_path, capsys, monkeypatch, hf_offline):
    docs = load_documents(root)
    new = new_document(root)
    test_ids = sorted(
        d
        for d, s in split_of_documents([d for d in docs if d.doc_id != new], root).items()
        if s == "test"
    )
    out = tmp_path / "preds.jsonl"
    code, _, err = run(
        capsys, "predict", "--root", str(root), "--docs", *test_ids, new, "--out", str(out)
    )
    assert code == 0, err
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert test_ids and [r["doc_id"] for r in rows] == [*test_ids, new]
    assert all({"lines", "entities", "events"} <= set(r) for r in rows)
    monkeypatch.setenv("TARIFFTALKS_ROOT", str(root))
    code, report, err = run(
        capsys, "score", "--split", "test", "--pred", str(out), "--bootstrap", "0", "--json"
    )
    assert code == 0, err
    result = json.loads(report)
    assert result["meta"]["missing"] == []
    assert 0 < result["entities"]["strict"]["f1"] <= 1


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["--docs", "tt-999"], "--docs: no document tt-999"),
        (["--unannotated", "--root", "REPO"], "no unannotated document"),
    ],
)
def test_refusals_are_one_line(root, tmp_path, capsys, argv, expect):
    argv = [str(REPO) if a == "REPO" else a for a in argv]
    if "--root" not in argv:
        argv += ["--root", str(root)]
    code, _, err = run(capsys, "predict", *argv, "--out", str(tmp_path / "p.jsonl"))
    assert code == 2 and expect in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.jsonl").exists()
