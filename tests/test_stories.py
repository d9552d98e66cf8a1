"""Near-duplicates and story grouping through `tarifftalks ingest` (docs/DESIGN.md §10), on the
seeds and
on passages written for the tests about other occasions of the negotiations."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tarifftalks.corpus import read_manifest
from tarifftalks.corpus.ingest import ingest
from tarifftalks.corpus.metadata import infer_metadata
from tarifftalks.corpus.similarity import (
    PARAPHRASE_THRESHOLD,
    ShingleIndex,
    paraphrase_score,
    sentence_sets,
)

from . import passages
from .conftest import REPO, seed_rows

# The five real (scraped) seeds; the project's own documents are checked against their
# hand-made rows separately.
SEEDS = [REPO / "seeds" / str(r["file"]) for r in seed_rows()]
SHA = [hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS]
SEED_GROUPS = {frozenset({SHA[0], SHA[1]}), frozenset({SHA[2]}), frozenset({SHA[3], SHA[4]})}


def groups(root: Path) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for r in read_manifest(root):
        by_story.setdefault(r["story_id"], set()).add(r["sha256"])
    return {frozenset(v) for v in by_story.values()}


def ingest_one_by_one(root: Path, files: list[Path]) -> list[str]:
    lines: list[str] = []
    for f in files:
        ingest(root, [f], log=lines.append)
    return lines


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 2, 1, 3, 0), (3, 0, 2, 4, 1)])
def test_seeds_regrouped_from_scratch_in_any_order(tmp_path, order):
    root = tmp_path / "root"
    root.mkdir()
    log = ingest_one_by_one(root, [SEEDS[i] for i in order])
    assert groups(root) == SEED_GROUPS
    rows = {r["sha256"]: r for r in read_manifest(root)}
    first, second = (0, 1) if order.index(0) < order.index(1) else (1, 0)
    assert rows[SHA[second]]["near_duplicate_of"] == rows[SHA[first]]["doc_id"]
    assert rows[SHA[first]]["near_duplicate_of"] is None
    assert all(rows[SHA[i]]["near_duplicate_of"] is None for i in (2, 3, 4))
    # Every decision is printed with its evidence.
    assert sum("story: opens" in line for line in log) == 3
    assert any("story: joins" in line and "same round (second)" in line for line in log)


def test_001_is_a_near_duplicate_of_000_when_000_came_first(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    log = ingest_one_by_one(root, [SEEDS[0], SEEDS[1]])
    rows = read_manifest(root)
    assert rows[1]["near_duplicate_of"] == "tt-000" and rows[0]["story_id"] == rows[1]["story_id"]
    assert any("near-duplicate of tt-000: paraphrase" in line for line in log)


def test_paraphrase_signal_separates_the_rewrite_from_same_story_reports():
    sets = [sentence_sets(p.read_text(encoding="utf-8")) for p in SEEDS]
    assert paraphrase_score(sets[0], sets[1]) >= PARAPHRASE_THRESHOLD
    others = [
        paraphrase_score(sets[i], sets[j])
        for i in range(5)
        for j in range(i + 1, 5)
        if (i, j) != (0, 1)
    ]
    assert max(others) < PARAPHRASE_THRESHOLD  # 003–004 share a story, yet are no rewrite


def test_shingle_index_finds_a_near_copy_and_not_a_rewrite():
    index = ShingleIndex(threshold=0.5)
    text = passages.FIRST_ROUND
    index.insert("a", index.sketch(text))
    index.insert("b", index.sketch(passages.AGREEMENT))
    edited = text.replace("big progress", "real progress") + "Unrelated headline here\n"
    assert [m.key for m in index.query(index.sketch(edited))] == ["a"]
    assert index.query(index.sketch(passages.FIRST_ROUND_REWRITE)) == []
    assert "a" in index and len(index) == 2
    with pytest.raises(ValueError):
        index.insert("a", index.sketch(text))


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{name}.txt"
    p.write_text(text, encoding="utf-8")
    return p


def test_paraphrase_and_exact_copy_detected(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    src = tmp_path / "in"
    a = _write(src, "a", passages.FIRST_ROUND)
    rewrite = _write(src, "rewrite", passages.FIRST_ROUND_REWRITE)
    copy = _write(src, "copy", passages.FIRST_ROUND)
    near = _write(src, "near", passages.FIRST_ROUND.replace("Kyodo", "Jiji Press"))
    out = ingest(root, [a, rewrite, copy, near], log=lambda _: None)
    assert [o.status for o in out] == ["ingested", "ingested", "duplicate", "ingested"]
    assert out[2].duplicate_of == "tt-000"
    rows = read_manifest(root)
    assert rows[1]["near_duplicate_of"] == "tt-000" and "paraphrase" in (
        out[1].near_duplicate or ""
    )
    assert rows[2]["near_duplicate_of"] == "tt-000" and "shingle" in (out[3].near_duplicate or "")
    assert len({r["story_id"] for r in rows}) == 1
    # The undated rewrite takes its original's date, and says why.
    assert rows[1]["published"] == "2025-04-17" and rows[1]["published_basis"] == "inferred"
    assert "tt-000" in rows[1]["published_reason"]


def test_other_occasions_open_stories_of_their_own(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    src = tmp_path / "in"
    files = [_write(src, k, v) for k, v in passages.OTHER_OCCASIONS.items()]
    # Seeds first, then the other occasions, one call each.
    log = ingest_one_by_one(root, [*SEEDS, *files])
    by_sha = {r["sha256"]: r["story_id"] for r in read_manifest(root)}
    story = {
        k: by_sha[hashlib.sha256(v.encode()).hexdigest()]
        for k, v in passages.OTHER_OCCASIONS.items()
    }
    assert groups(root) >= SEED_GROUPS - {frozenset()}
    seed_stories = {by_sha[s] for s in SHA}
    # The Osaka preview and the report of the visit are one occasion; the rest each their own.
    assert story["osaka_preview"] == story["osaka_visit"] == "story-2025-07-19"
    distinct = {story[k] for k in ("first_round", "osaka_visit", "agreement", "executive_order")}
    assert len(distinct) == 4 and not distinct & seed_stories
    assert story["first_round"] == "story-2025-04-16"
    assert story["agreement"] == "story-2025-07-22"
    assert story["executive_order"] == "story-2025-09-04"
    assert any("round first vs second" in line for line in log)


def test_two_occasions_kept_apart_despite_shared_words(tmp_path):
    """The Sept 4 order names the July 22 agreement, Akazawa and the $550 billion: still apart."""
    root = tmp_path / "root"
    root.mkdir()
    src = tmp_path / "in"
    files = [
        _write(src, "agreement", passages.AGREEMENT),
        _write(src, "order", passages.EXECUTIVE_ORDER),
    ]
    ingest_one_by_one(root, files)
    rows = read_manifest(root)
    assert rows[0]["story_id"] != rows[1]["story_id"]
    assert rows[1]["near_duplicate_of"] is None


def test_new_documents_join_the_existing_manifest_stories(five_seeds, tmp_path):
    """Existing rows keep their ids (round2-may1, …); a report of the May 1 round joins them."""
    src = tmp_path / "in"
    may1 = _write(
        src,
        "may1",
        "Akazawa meets Bessent in second round of tariff talks\n\n"
        "WASHINGTON, May 2 (Kyodo) -- Japan's chief negotiator Ryosei Akazawa met Treasury "
        "Secretary Scott Bessent and Trade Representative Jamieson Greer on Thursday in a second "
        "round of tariff talks, officials said.\n",
    )
    repo_copy = five_seeds
    before = (repo_copy / "seeds" / "manifest.jsonl").read_bytes()
    out = ingest(repo_copy, [may1, _write(src, "first", passages.FIRST_ROUND)], log=print)
    assert (repo_copy / "seeds" / "manifest.jsonl").read_bytes().startswith(before)
    assert out[0].row["story_id"] == "round2-may1"
    assert out[1].row["story_id"] == "story-2025-04-16"


def test_metadata_inference_agrees_with_the_hand_made_manifest():
    rows = {r["file"]: r for r in read_manifest(REPO)}
    for path in SEEDS:
        meta = infer_metadata(path.read_text(encoding="utf-8"))
        row = rows[path.name]
        assert meta.outlet == row["outlet"], path.name
        assert meta.title == row["title"], path.name
        if row["published_basis"] == "stated" or row["doc_id"] == "tt-001":
            assert meta.published.date == row["published"], path.name
    assert infer_metadata(SEEDS[4].read_text()).published.basis == "stated"


def test_authored_rows_record_their_occasion_as_story():
    """Authored rows carry the true story (their occasion, set by hand where ingest split an
    occasion), the author's stated date and no outlet (no agency wrote them)."""
    authored = [r for r in read_manifest(REPO) if r["authored"]]
    assert authored
    for r in authored:
        assert r["story_id"] == r["occasion"], r["doc_id"]
        assert (r["published_basis"], r["outlet"]) == ("stated", None), r["doc_id"]
    seed_stories = {r["story_id"] for r in seed_rows()}
    assert not seed_stories & {r["story_id"] for r in authored}


def test_result_does_not_depend_on_todays_date(tmp_path, monkeypatch):
    """dateparser is given a fixed base: a faked clock changes nothing."""
    import datetime as real_dt

    root_a, root_b = tmp_path / "a", tmp_path / "b"
    root_a.mkdir()
    root_b.mkdir()
    src = _write(tmp_path / "in", "osaka", passages.OSAKA_VISIT)
    ingest(root_a, [src], log=lambda _: None)

    class Later(real_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_dt.datetime(2031, 1, 1, tzinfo=tz)

        @classmethod
        def today(cls):
            return real_dt.datetime(2031, 1, 1)

    monkeypatch.setattr(real_dt, "datetime", Later)
    from tarifftalks.corpus import metadata

    metadata._parse_date.cache_clear()
    ingest(root_b, [src], log=lambda _: None)
    assert (root_a / "seeds" / "manifest.jsonl").read_bytes() == (
        root_b / "seeds" / "manifest.jsonl"
    ).read_bytes()
    shutil.rmtree(root_b)
