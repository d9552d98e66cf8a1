"""Shared fixtures: a temporary copy of the checkout's data folders, so tests never touch the
real seeds/, annotation/ or dataset/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tarifftalks.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Path:
    """seeds/, annotation/ and the card source copied into a temp root (dataset/ not built)."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("seeds", "annotation"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "DATASET_CARD.md", root / "DATASET_CARD.md")
    return root


def seed_rows() -> list[dict]:
    """The manifest rows of the five real (scraped) seeds, the project's own documents left out."""
    import json

    lines = (REPO / "seeds" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if not r.get("authored")]


def make_five_seeds_root(root: Path, annotation: bool = False) -> Path:
    """A root holding only the five real seeds and their manifest lines (byte for byte, they are
    the manifest's first five); with `annotation`, annotation/ and the card too, every per-document
    file of another document left out."""
    rows = seed_rows()
    ids = {r["doc_id"] for r in rows}
    (root / "seeds").mkdir(parents=True)
    for r in rows:
        shutil.copy2(REPO / "seeds" / r["file"], root / "seeds" / r["file"])
    lines = (REPO / "seeds" / "manifest.jsonl").read_bytes().splitlines(keepends=True)
    assert [r["doc_id"] for r in rows] == [f"tt-{i:03d}" for i in range(len(rows))]
    (root / "seeds" / "manifest.jsonl").write_bytes(b"".join(lines[: len(rows)]))
    if annotation:
        shutil.copytree(REPO / "annotation", root / "annotation")
        for p in sorted((root / "annotation").rglob("tt-*")):
            if p.name.split(".")[0] not in ids:
                p.unlink()
        shutil.copy2(REPO / "DATASET_CARD.md", root / "DATASET_CARD.md")
    return root


@pytest.fixture()
def five_seeds(tmp_path: Path) -> Path:
    """seeds/ with only the five real seeds and their manifest rows."""
    return make_five_seeds_root(tmp_path / "five")


@pytest.fixture()
def five_seeds_repo(tmp_path: Path) -> Path:
    """`five_seeds` plus annotation/ (the seeds' files only) and the card source."""
    return make_five_seeds_root(tmp_path / "five", annotation=True)


@pytest.fixture()
def hf_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway HF_HOME and offline mode, so load_dataset can only read local files."""
    home = tmp_path / "hf_home"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(home / "datasets"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the real gold into a temporary folder (`<tmp>/dataset` and its text-free
    twin `<tmp>/dataset-standoff`), shared by the read-only tests of every module."""
    from tarifftalks.release import build_dataset

    out = tmp_path_factory.mktemp("build") / "dataset"
    build_dataset(REPO, out, log=lambda *a: None)
    return out


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """`tarifftalks ARGV…` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
