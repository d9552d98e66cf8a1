"""Where things live in a checkout. Overridable with TARIFFTALKS_ROOT (tests use temp copies)."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    env = os.environ.get("TARIFFTALKS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "seeds").is_dir():
        return here
    return Path.cwd().resolve()


def seeds_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "seeds"


def manifest_path(root: Path | None = None) -> Path:
    return seeds_dir(root) / "manifest.jsonl"


def annotation_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "annotation"


def gold_dir(root: Path | None = None) -> Path:
    return annotation_dir(root) / "gold"


def kb_path(root: Path | None = None) -> Path:
    return annotation_dir(root) / "kb.jsonl"


def dataset_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "dataset"
