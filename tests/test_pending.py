"""Documents without gold: status from files, pending in validate and build; a null
publication date is built and split (docs/DESIGN.md §10)."""

from __future__ import annotations

import json
from pathlib import Path

from tarifftalks.cli import main
from tarifftalks.corpus import load_documents
from tarifftalks.corpus.ingest import ingest
from tarifftalks.corpus.status import status_of
from tarifftalks.gold import write_gold
from tarifftalks.release import build_dataset
from tarifftalks.splits import (
    NEW_STORY_SPLIT,
    loso_folds,
    split_of_documents,
    stories_in_order,
    unfrozen_stories,
)
from tarifftalks.text import iter_lines

from . import passages


def _ingest(root: Path, **texts: str) -> None:
    src = root.parent / "in"
    src.mkdir(exist_ok=True)
    files = []
    for name, text in texts.items():
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
        files.append(src / f"{name}.txt")
    ingest(root, files, log=lambda _: None)


def test_status_is_derived_from_files(five_seeds_repo):
    repo_copy = five_seeds_repo
    _ingest(repo_copy, osaka=passages.OSAKA_VISIT)
    assert status_of("tt-000", repo_copy) == "adjudicated"
    assert status_of("tt-005", repo_copy) == "unannotated"
    passes = repo_copy / "annotation" / "passes" / "b"
    passes.mkdir(parents=True, exist_ok=True)
    (passes / "tt-005.json").write_text("{}")
    assert status_of("tt-005", repo_copy) == "passes"


def test_validate_and_build_list_pending_documents(five_seeds_repo, capsys, hf_offline):
    repo_copy = five_seeds_repo
    _ingest(repo_copy, rewrite=passages.FIRST_ROUND_REWRITE, osaka=passages.OSAKA_VISIT)
    capsys.readouterr()
    assert main(["validate", "--root", str(repo_copy)]) == 0
    out = capsys.readouterr().out
    assert "pending (no gold yet, not built): 2 document(s): tt-005 (unannotated)" in out
    result = build_dataset(repo_copy, repo_copy / "dataset", log=lambda *a: None)
    assert result["documents"] == 5 and result["pending"] == ["tt-005", "tt-006"]
    card = (repo_copy / "dataset" / "README.md").read_text()
    assert "Pending: 2 document(s) of the corpus" in card


def test_a_document_with_a_null_date_is_built_and_split(five_seeds_repo, hf_offline):
    repo_copy = five_seeds_repo
    from datasets import load_dataset

    _ingest(repo_copy, rewrite=passages.FIRST_ROUND_REWRITE)
    doc = {d.doc_id: d for d in load_documents(repo_copy)}["tt-005"]
    assert doc.published is None and doc.published_basis is None
    # A minimal adjudicated gold: every line is body text, nothing else marked.
    write_gold(
        {
            "doc_id": doc.doc_id,
            "file": doc.file,
            "sha256": doc.sha256,
            "lines": [
                {"start": s.start, "end": s.end, "label": "body"} for s in iter_lines(doc.text)
            ],
            "entities": [],
            "events": [],
            "notes": [],
        },
        repo_copy / "annotation" / "gold",
    )
    docs = load_documents(repo_copy)
    order = [s for s, _ in stories_in_order(docs)]
    # A first-round report joins none of the seeds' stories (rounds 2-4): it opens its own,
    # undated, which sorts last, deterministically; a real story not in the frozen file -> train.
    assert doc.story_id not in {d.story_id for d in docs if d.doc_id != "tt-005"}
    assert order[-1] == doc.story_id
    assert unfrozen_stories(docs, repo_copy) == [doc.story_id]
    split = split_of_documents(docs, repo_copy)
    assert split["tt-005"] == NEW_STORY_SPLIT == "train"
    assert any(f["test"] == ["tt-005"] for f in loso_folds(docs))
    out = repo_copy / "dataset"
    result = build_dataset(repo_copy, out, log=lambda *a: None)
    assert result["documents"] == 6 and result["pending"] == []
    rows = load_dataset(str(out), "documents")["train"]
    row = next(r for r in rows if r["doc_id"] == "tt-005")
    assert row["published"] is None and row["published_basis"] is None
    folds = json.loads((out / "folds.json").read_text())
    assert sorted(x for f in folds for x in f["test"]) == sorted(d.doc_id for d in docs)
