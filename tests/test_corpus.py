import hashlib
import json

import pytest

from tarifftalks.corpus import load_documents, read_manifest
from tarifftalks.errors import UserError

from .conftest import REPO

# The shared originals sit beside the main checkout (/work/shared next to /work/main); a git
# worktree one level deeper (/work/wt/NAME) finds them one folder further up.
SHARED_SEEDS = next(
    (
        p
        for p in (REPO.parent / "shared" / "seeds", REPO.parent.parent / "shared" / "seeds")
        if p.is_dir()
    ),
    REPO.parent / "shared" / "seeds",
)
SEED_IDS = ["tt-000", "tt-001", "tt-002", "tt-003", "tt-004"]


def test_manifest_hashes_equal_the_files():
    rows = read_manifest(REPO)
    ids = [r["doc_id"] for r in rows]
    # ids are tt-NNN in file order, without gaps, the five real seeds first.
    assert ids == [f"tt-{i:03d}" for i in range(len(rows))] and ids[:5] == SEED_IDS
    for r in rows:
        assert hashlib.sha256((REPO / "seeds" / r["file"]).read_bytes()).hexdigest() == r["sha256"]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared/seeds not beside the checkout")
def test_seeds_are_byte_identical_to_the_shared_originals():
    real = [r for r in read_manifest(REPO) if not r.get("authored")]
    assert [r["doc_id"] for r in real] == SEED_IDS
    # The shared folder holds exactly the real documents, and each is byte-identical here.
    assert sorted(p.name for p in SHARED_SEEDS.iterdir()) == sorted(r["file"] for r in real)
    for r in real:
        assert (REPO / "seeds" / r["file"]).read_bytes() == (SHARED_SEEDS / r["file"]).read_bytes()


def test_manifest_facts_from_the_texts():
    rows = {r["doc_id"]: r for r in read_manifest(REPO)}
    assert rows["tt-000"]["near_duplicate_of"] == "tt-001"
    assert rows["tt-000"]["story_id"] == rows["tt-001"]["story_id"]
    assert rows["tt-003"]["story_id"] == rows["tt-004"]["story_id"]
    assert rows["tt-004"]["published"] == "2025-04-30"
    assert rows["tt-004"]["published_basis"] == "stated"
    assert rows["tt-001"]["outlet"] == "Reuters" and rows["tt-004"]["outlet"] == "The Asahi Shimbun"
    assert {r["outlet"] for k, r in rows.items() if k in ("tt-000", "tt-002", "tt-003")} == {None}
    for r in rows.values():
        assert r["published_basis"] in ("stated", "inferred") and r["published_reason"]


def test_authored_rows_are_marked_with_their_facts_and_occasion():
    rows = read_manifest(REPO)
    authored = [r for r in rows if r.get("authored") is not False]
    # Everything past the five scraped seeds is written by the project (the challenge split).
    assert [r["doc_id"] for r in authored] == [r["doc_id"] for r in rows][len(SEED_IDS) :]
    assert authored
    for r in authored:
        assert r["authored"] is True, r["doc_id"]
        facts = r["facts"]
        assert isinstance(facts, list) and facts, r["doc_id"]
        assert all(isinstance(f, str) and f.strip() for f in facts), r["doc_id"]
        assert isinstance(r["occasion"], str) and r["occasion"], r["doc_id"]
    for r in rows[: len(SEED_IDS)]:
        assert r["authored"] is False and r["occasion"] is None and not r["facts"]


def test_changed_seed_bytes_is_one_clear_error(repo_copy):
    row = read_manifest(repo_copy)[2]
    path = repo_copy / "seeds" / row["file"]
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(UserError, match=r"002_.*sha256 .* does not match the manifest"):
        load_documents(repo_copy)


def test_missing_seed_file_names_it(repo_copy):
    row = read_manifest(repo_copy)[0]
    (repo_copy / "seeds" / row["file"]).unlink()
    with pytest.raises(UserError, match="seed file missing"):
        load_documents(repo_copy)


def test_malformed_manifest_line(repo_copy):
    path = repo_copy / "seeds" / "manifest.jsonl"
    bad_line = len(path.read_text().splitlines()) + 1
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(UserError, match=rf"manifest.jsonl:{bad_line}: malformed JSON"):
        read_manifest(repo_copy)


def test_manifest_rows_are_plain_json():
    for line in (REPO / "seeds" / "manifest.jsonl").read_text().splitlines():
        assert set(json.loads(line)) >= {"doc_id", "sha256", "story_id", "published"}
