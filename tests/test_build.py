"""`tarifftalks build`: real Parquet, real load_dataset (offline), determinism, atomicity."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tarifftalks.corpus import load_documents
from tarifftalks.errors import UserError
from tarifftalks.release import build_dataset
from tarifftalks.release.card import split_front_matter
from tarifftalks.release.features import CONFIGS, FEATURES
from tarifftalks.splits import (
    SPLITS,
    loso_folds,
    loso_folds_all,
    read_frozen_splits,
    split_of_documents,
)

from .conftest import REPO


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_offline_every_config_and_split(built, hf_offline, config):
    from datasets import ClassLabel, load_dataset

    ds = load_dataset(str(built.resolve()), config)
    present = sorted(set(split_of_documents(load_documents(REPO), REPO).values()))
    assert sorted(ds) == present
    for split in present:
        assert ds[split].num_rows > 0
        assert ds[split].features == FEATURES[config]()
    if config == "boilerplate":
        label = ds["train"].features["label"]
        assert isinstance(label, ClassLabel) and "related" in label.names
        row = ds["train"][0]
        text = next(d.text for d in load_documents(REPO) if d.doc_id == row["doc_id"])
        assert text[row["start"] : row["end"]] == row["text"]


def test_default_config_is_documents(built, hf_offline):
    from datasets import load_dataset

    ds = load_dataset(str(built.resolve()))
    assert "lines" in ds["train"].features and ds["train"].num_rows >= 1


def test_no_document_in_two_splits_and_no_story_either(built):
    import pyarrow.parquet as pq

    seen: dict[str, str] = {}
    stories: dict[str, str] = {}
    for split in SPLITS:
        if not (built / "data" / "documents" / f"{split}.parquet").exists():
            continue
        table = pq.read_table(built / "data" / "documents" / f"{split}.parquet")
        for doc_id, story in zip(
            table["doc_id"].to_pylist(), table["story_id"].to_pylist(), strict=True
        ):
            assert doc_id not in seen, f"{doc_id} in {seen[doc_id]} and {split}"
            assert stories.setdefault(story, split) == split
            seen[doc_id] = split
    assert len(seen) == len(load_documents(REPO))
    assert "challenge" in seen.values() and len(set(stories.values())) > 1
    # A near-duplicate never sits across splits.
    assert seen["tt-000"] == seen["tt-001"]


def test_frozen_splits_follow_stories_and_challenge_is_authored_only():
    docs = load_documents(REPO)
    split = split_of_documents(docs, REPO)
    frozen = read_frozen_splits(REPO)
    for d in docs:
        if d.authored:
            assert split[d.doc_id] == "challenge"
        else:
            assert split[d.doc_id] == frozen.get(d.story_id, "train")
    real_stories = {d.story_id for d in docs if not d.authored}
    challenge_stories = {d.story_id for d in docs if split[d.doc_id] == "challenge"}
    # The challenge split shares no story with the seeds (the real documents).
    assert challenge_stories and real_stories
    assert not real_stories & challenge_stories
    folds = loso_folds(docs)
    assert len(folds) == len(real_stories)
    real_ids = sorted(d.doc_id for d in docs if not d.authored)
    for f in folds:
        assert not set(f["train"]) & set(f["test"])
        assert sorted(f["train"] + f["test"]) == real_ids
    assert sorted(x for f in loso_folds_all(docs) for x in f["test"]) == sorted(split)


def test_frozen_splits_file_refuses_bad_shapes(tmp_path):
    (tmp_path / "annotation").mkdir()
    path = tmp_path / "annotation" / "splits.json"
    for bad in (
        '["train"]',
        '{"train": "round1"}',
        '{"dev": []}',
        '{"train": ["a"], "test": ["a"]}',
    ):
        path.write_text(bad)
        with pytest.raises(UserError, match="splits.json"):
            read_frozen_splits(tmp_path)


def test_rebuild_is_byte_identical(built, tmp_path):
    again = tmp_path / "dataset"
    build_dataset(REPO, again, log=lambda *a: None)
    assert _tree_digest(again) == _tree_digest(built)
    standoff = tmp_path / "dataset-standoff"
    assert _tree_digest(standoff) == _tree_digest(built.parent / "dataset-standoff")


def test_checked_in_dataset_matches_a_fresh_build(built):
    assert _tree_digest(REPO / "dataset") == _tree_digest(built), (
        "dataset/ is stale: run `tarifftalks build` and commit it"
    )
    standoff = built.parent / "dataset-standoff"
    assert _tree_digest(REPO / "dataset-standoff") == _tree_digest(standoff), (
        "dataset-standoff/ is stale: run `tarifftalks build` and commit it"
    )


def test_card_yaml_and_checksums(built):
    import yaml

    card = (built / "README.md").read_text()
    meta, body = split_front_matter(card)
    for key in ("license", "language", "task_categories", "size_categories", "pretty_name"):
        assert meta.get(key), key
    assert [c["config_name"] for c in meta["configs"]] == list(CONFIGS)
    assert next(c for c in meta["configs"] if c.get("default"))["config_name"] == "documents"
    # The fingerprint sits in a config kwarg, which the datasets cache key includes.
    assert all("content fingerprint" in c["description"] for c in meta["configs"])
    info = {i["config_name"]: i for i in meta["dataset_info"]}
    bp = next(f for f in info["boilerplate"]["features"] if f["name"] == "label")
    assert "related" in bp["dtype"]["class_label"]["names"].values()
    for p in sorted((built / "data").rglob("*.parquet")):
        assert hashlib.sha256(p.read_bytes()).hexdigest() in body, p
    assert yaml.safe_load(yaml.safe_dump(meta)) == meta


def test_card_explains_every_field(built):
    card = (REPO / "DATASET_CARD.md").read_text()
    for config in CONFIGS:
        for name in FEATURES[config]():
            assert f"`{name}`" in card, f"DATASET_CARD.md does not explain {config}.{name}"


def test_croissant_validates_offline(built):
    doc = json.loads((built / "croissant.json").read_text())
    assert {d["sha256"] for d in doc["distribution"]} == {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (built / "data").rglob("*.parquet")
    }
    res = subprocess.run(
        [
            str(Path(sys.executable).parent / "mlcroissant"),
            "validate",
            "--jsonld",
            str(built / "croissant.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert "error" not in res.stderr.lower().replace("0 error", "")


def test_rewritten_parquet_is_not_served_stale(repo_copy, hf_offline):
    """The datasets cache must see a rebuilt dataset (fingerprint in the YAML config)."""
    from datasets import load_dataset

    out = repo_copy / "dataset"
    build_dataset(repo_copy, out, log=lambda *a: None)

    def label_of_line_6(ds) -> str:
        (row,) = [r for r in ds if r["doc_id"] == "tt-003" and r["line_index"] == 6]
        return ds.features["label"].int2str(row["label"])

    assert label_of_line_6(load_dataset(str(out), "boilerplate")["train"]) == "related"
    gold_path = repo_copy / "annotation" / "gold" / "tt-003.json"
    gold = json.loads(gold_path.read_text())
    gold["lines"][6]["label"] = "promo"  # a headline line: no entities hang on it
    gold_path.write_text(json.dumps(gold))
    build_dataset(repo_copy, out, log=lambda *a: None)
    assert label_of_line_6(load_dataset(str(out), "boilerplate")["train"]) == "promo"


def _build_cli(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tarifftalks.cli", "build", "--root", str(root)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("breakage", "expect"),
    [
        ("json", "malformed JSON"),
        ("label", "unknown line label"),
        ("offsets", "outside the text"),
        ("seed", "does not match the manifest"),
        ("missing_seed", "seed file missing"),
    ],
)
def test_build_on_bad_input_is_one_line_and_leaves_dataset_untouched(repo_copy, breakage, expect):
    out = repo_copy / "dataset"
    build_dataset(repo_copy, out, log=lambda *a: None)
    before = _tree_digest(out)
    gold = repo_copy / "annotation" / "gold" / "tt-002.json"
    data = json.loads(gold.read_text())
    seed = repo_copy / "seeds" / "002_89c59f3b33c4d19b.txt"
    if breakage == "json":
        gold.write_text(gold.read_text()[:-20])
    elif breakage == "label":
        data["lines"][0]["label"] = "banner"
        gold.write_text(json.dumps(data))
    elif breakage == "offsets":
        data["lines"][0]["end"] = 99999
        gold.write_text(json.dumps(data))
    elif breakage == "seed":
        seed.write_bytes(seed.read_bytes().replace(b"Akazawa", b"Akazawb", 1))
    else:
        seed.unlink()
    res = _build_cli(repo_copy)
    assert res.returncode != 0
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert expect in res.stderr and "Traceback" not in res.stderr
    assert _tree_digest(out) == before
    assert not list(repo_copy.glob(".dataset*")), "staging folder left behind"


def test_a_story_mixing_real_and_authored_documents_is_refused():
    import dataclasses

    docs = load_documents(REPO)
    real = next(d for d in docs if not d.authored)
    authored = next(d for d in docs if d.authored)
    joined = dataclasses.replace(real, story_id=authored.story_id)
    with pytest.raises(UserError, match="holds authored and real documents"):
        split_of_documents([joined, authored], REPO)
