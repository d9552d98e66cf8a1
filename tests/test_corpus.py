import hashlib
import json

import pytest

from tarifftalks.corpus import load_documents, read_manifest
from tarifftalks.errors import UserError

from .conftest import REPO

SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def test_manifest_hashes_equal_the_files():
    rows = read_manifest(REPO)
    assert [r["doc_id"] for r in rows] == ["tt-000", "tt-001", "tt-002", "tt-003", "tt-004"]
    for r in rows:
        assert hashlib.sha256((REPO / "seeds" / r["file"]).read_bytes()).hexdigest() == r["sha256"]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds not beside the checkout")
def test_seeds_are_byte_identical_to_the_shared_originals():
    for r in read_manifest(REPO):
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
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(UserError, match=r"manifest.jsonl:6: malformed JSON"):
        read_manifest(repo_copy)


def test_manifest_rows_are_plain_json():
    for line in (REPO / "seeds" / "manifest.jsonl").read_text().splitlines():
        assert set(json.loads(line)) >= {"doc_id", "sha256", "story_id", "published"}
