"""`tarifftalks ingest`: refusals, atomicity, id scheme, authored documents (docs/DESIGN.md §10)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tarifftalks.corpus import load_documents, read_manifest
from tarifftalks.corpus import manifest as manifest_mod
from tarifftalks.corpus.manifest import code_number, doc_id_of, file_name_of, number_code

from .conftest import REPO, seed_rows
from .conftest import run_cli as run

SEEDS = [REPO / "seeds" / str(r["file"]) for r in seed_rows()]


def seed(n: int) -> Path:
    return SEEDS[n]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    seeds = root / "seeds"
    if not seeds.is_dir():
        return {}
    return {p.name: sha(p) for p in sorted(seeds.iterdir())}


# --- the id and file-name scheme -------------------------------------------------------------


def test_codes_sort_in_numeric_order_past_999():
    numbers = [*range(0, 1200), 9998, 9999, 10000, 10001, 99999, 100000, 123456]
    codes = [number_code(n) for n in numbers]
    assert sorted(codes) == codes
    assert [code_number(c) for c in codes] == numbers
    assert number_code(5) == "005" and number_code(1000) == "x1000"
    ids = [doc_id_of(n) for n in numbers]
    assert sorted(ids) == ids and ids[5] == "tt-005"
    # New file names sort after the five seeds' names.
    names = [p.name for p in SEEDS] + [file_name_of(n, "f" * 64) for n in (5, 999, 1000, 10000)]
    assert sorted(names) == names
    assert code_number("0005") is None and code_number("x999") is None


# --- refusals ------------------------------------------------------------------------------


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    tmp.mkdir(parents=True, exist_ok=True)
    cases = {
        "empty": (b"", "empty file"),
        "blank": (b"  \n\n", "empty file"),
        "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary file"),
        "latin1": ("Akazawa’s visit — caf\xe9\n".encode("latin-1", "replace"), "not UTF-8"),
    }
    out = {}
    for name, (data, expect) in cases.items():
        p = tmp / f"{name}.txt"
        p.write_bytes(data)
        out[name] = (p, expect)
    out["missing"] = (tmp / "nope.txt", "not a file")
    return out


@pytest.mark.parametrize("case", ["empty", "blank", "binary", "latin1", "missing"])
def test_bad_input_is_one_line_and_changes_nothing(repo_copy, tmp_path, case):
    path, expect = _bad_files(tmp_path / "in")[case]
    before = snapshot(repo_copy)
    res = subprocess.run(
        [sys.executable, "-m", "tarifftalks.cli", "ingest", "--root", str(repo_copy), str(path)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert str(path) in res.stderr and expect in res.stderr and "Traceback" not in res.stderr
    assert snapshot(repo_copy) == before


def test_files_before_a_bad_one_stay_ingested(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    bad, _ = _bad_files(tmp_path / "in")["binary"]
    code, out, err = run(
        capsys, "ingest", "--root", str(root), str(seed(3)), str(bad), str(seed(4))
    )
    assert code == 2 and str(bad) in err and "binary" in err
    rows = read_manifest(root)
    assert [r["sha256"] for r in rows] == [sha(seed(3))]
    assert sorted(p.name for p in (root / "seeds").iterdir()) == [
        "000_" + sha(seed(3))[:16] + ".txt",
        "manifest.jsonl",
    ]


def test_crash_between_file_and_row_leaves_seeds_and_manifest_unchanged(
    repo_copy, tmp_path, monkeypatch, capsys
):
    before = snapshot(repo_copy)
    new = tmp_path / "new.txt"
    new.write_text("Japan and the U.S. held a round of talks on Monday in Tokyo, officials said.\n")

    def boom(root, rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tarifftalks.corpus.ingest.append_rows", boom)
    code, out, err = run(capsys, "ingest", "--root", str(repo_copy), str(new))
    # The CLI turns the OS error into one line; the file written before the crash is gone.
    assert code != 0 and "No space left on device" in err and "Traceback" not in err
    assert snapshot(repo_copy) == before


def test_manifest_write_failure_is_one_line(repo_copy, tmp_path, monkeypatch, capsys):
    before = snapshot(repo_copy)
    new = tmp_path / "new.txt"
    new.write_text("Japan and the U.S. held a round of talks on Monday in Tokyo, officials said.\n")

    def fail(path, data):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(manifest_mod, "write_bytes_atomic", fail)
    code, out, err = run(capsys, "ingest", "--root", str(repo_copy), str(new))
    assert code == 2 and "manifest.jsonl: cannot write (Permission denied)" in err
    assert snapshot(repo_copy) == before


# --- appending, duplicates, idempotence -----------------------------------------------------


def test_existing_rows_are_kept_byte_for_byte_and_ids_continue(five_seeds, tmp_path, capsys):
    repo_copy = five_seeds
    manifest = repo_copy / "seeds" / "manifest.jsonl"
    old = manifest.read_bytes()
    new = tmp_path / "new.txt"
    new.write_text(
        "Japan's top negotiator met U.S. officials in Washington on April 16, 2025, for a "
        "first round of tariff talks.\n"
    )
    code, out, _ = run(capsys, "ingest", "--root", str(repo_copy), str(new))
    assert code == 0
    data = manifest.read_bytes()
    assert data.startswith(old)
    row = json.loads(data[len(old) :])
    assert row["doc_id"] == "tt-005" and row["file"] == f"005_{sha(new)[:16]}.txt"
    assert (repo_copy / "seeds" / row["file"]).read_bytes() == new.read_bytes()
    assert set(row) >= set(manifest_mod.ROW_FIELDS)
    assert [d.doc_id for d in load_documents(repo_copy)][-1] == "tt-005"


def test_reingest_is_idempotent(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    args = ["ingest", "--root", str(root), str(seed(1)), str(seed(2))]
    assert run(capsys, *args)[0] == 0
    before = snapshot(root)
    code, out, _ = run(capsys, *args)
    assert code == 0 and out.count("exact duplicate of") == 2
    assert snapshot(root) == before


def test_exact_copy_under_another_name_is_skipped(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed(0).read_bytes())
    code, out, _ = run(capsys, "ingest", "--root", str(root), str(seed(0)), str(copy))
    assert code == 0 and f"{copy}: exact duplicate of tt-000" in out
    assert len(read_manifest(root)) == 1


def test_dry_run_writes_nothing(five_seeds, tmp_path, capsys):
    repo_copy = five_seeds
    before = snapshot(repo_copy)
    new = tmp_path / "new.txt"
    new.write_text(
        "Officials met in Osaka on July 19, 2025, to discuss tariffs, a spokesman said.\n"
    )
    code, out, _ = run(capsys, "ingest", "--root", str(repo_copy), "--dry-run", "--json", str(new))
    assert code == 0
    got = json.loads(out)
    assert got[0]["status"] == "would ingest" and got[0]["doc_id"] == "tt-005"
    assert snapshot(repo_copy) == before


# --- sources and authored documents ---------------------------------------------------------


def test_url_and_sources(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    code, _, _ = run(
        capsys,
        "ingest",
        "--root",
        str(root),
        "--url",
        "https://www.example.com/news/1",
        "--retrieved",
        "2025-06-01",
        str(seed(4)),
    )
    assert code == 0
    row = read_manifest(root)[0]
    assert row["source_url"] == "https://www.example.com/news/1"
    assert row["site"] == "www.example.com" and row["retrieved"] == "2025-06-01"
    tsv = tmp_path / "sources.tsv"
    tsv.write_text(
        f"file\turl\tretrieved\n{seed(3).name}\thttps://news.example.org/a\t2025-05-01\n"
    )
    assert run(capsys, "ingest", "--root", str(root), "--sources", str(tsv), str(seed(3)))[0] == 0
    row = read_manifest(root)[1]
    assert row["site"] == "news.example.org" and row["retrieved"] == "2025-05-01"


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["--url", "ftp://x"], "not an http(s) URL"),
        (["--retrieved", "yesterday"], "not a date YYYY-MM-DD"),
        (["--url", "https://a.example/1", "EXTRA"], "--url names the source of one file"),
    ],
)
def test_bad_flags_are_one_line(tmp_path, capsys, argv, expect):
    root = tmp_path / "root"
    root.mkdir()
    argv = [str(seed(0)) if a == "EXTRA" else a for a in argv]
    code, _, err = run(capsys, "ingest", "--root", str(root), *argv, str(seed(1)))
    assert code == 2 and expect in err and len(err.strip().splitlines()) == 1
    assert not (root / "seeds").exists()


AUTHORED_TEXT = """Japan, U.S. open tariff talks at White House

WASHINGTON, April 17 (Kyodo) -- Japan's economic revitalization minister Ryosei Akazawa held a
first round of tariff negotiations with U.S. officials on Wednesday, after President Donald
Trump joined the meeting at the White House unannounced.
"""


def _authored(tmp_path: Path, entry: object) -> tuple[Path, Path]:
    doc = tmp_path / "first_round.txt"
    doc.write_text(AUTHORED_TEXT)
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"first_round.txt": entry}))
    return doc, facts


GOOD_ENTRY = {
    "occasion": "first round of talks, Washington, April 16, 2025",
    "published": "2025-04-17",
    "facts": ["Akazawa met U.S. officials on April 16", "Trump joined the meeting"],
    "reported_by": ["Kyodo", "NHK"],
    "layout": "wire story with dateline",
}


def test_authored_document_row(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    doc, facts = _authored(tmp_path, GOOD_ENTRY)
    code, out, _ = run(capsys, "ingest", "--root", str(root), "--authored", str(facts), str(doc))
    assert code == 0, out
    row = read_manifest(root)[0]
    assert row["authored"] is True and row["facts"] == GOOD_ENTRY["facts"]
    assert row["occasion"] == GOOD_ENTRY["occasion"]
    assert row["reported_by"] == ["Kyodo", "NHK"]
    assert (row["published"], row["published_basis"]) == ("2025-04-17", "stated")
    assert row["published_reason"] == "authored: date given by the author"
    assert row["outlet"] is None  # the project wrote it, whatever the layout imitates
    assert row["title"] == "Japan, U.S. open tariff talks at White House"


@pytest.mark.parametrize(
    ("entry", "expect"),
    [
        ("just a string", "expected an object"),
        ({**GOOD_ENTRY, "published": "17 April"}, "not a date YYYY-MM-DD"),
        ({**GOOD_ENTRY, "facts": "one fact"}, "facts must be a list"),
        ({**GOOD_ENTRY, "facts": []}, "non-empty list"),
        ({**GOOD_ENTRY, "facts": ["ok", 3]}, "non-empty list of non-empty strings"),
        ({k: v for k, v in GOOD_ENTRY.items() if k != "occasion"}, "missing occasion"),
        ({**GOOD_ENTRY, "date": "x"}, "unknown date"),
    ],
)
def test_authored_json_shape_is_checked(tmp_path, capsys, entry, expect):
    root = tmp_path / "root"
    root.mkdir()
    doc, facts = _authored(tmp_path, entry)
    code, _, err = run(capsys, "ingest", "--root", str(root), "--authored", str(facts), str(doc))
    assert code == 2 and expect in err and len(err.strip().splitlines()) == 1, err
    assert not (root / "seeds").exists()


def test_authored_json_must_cover_every_file(tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    _, facts = _authored(tmp_path, GOOD_ENTRY)
    code, _, err = run(
        capsys, "ingest", "--root", str(root), "--authored", str(facts), str(seed(0))
    )
    assert code == 2 and "--authored: no entry for" in err
    facts.write_text("[1, 2]")
    code, _, err = run(
        capsys, "ingest", "--root", str(root), "--authored", str(facts), str(seed(0))
    )
    assert code == 2 and "expected a non-empty JSON object" in err
    facts.write_text("{bad")
    code, _, err = run(
        capsys, "ingest", "--root", str(root), "--authored", str(facts), str(seed(0))
    )
    assert code == 2 and "malformed JSON" in err
