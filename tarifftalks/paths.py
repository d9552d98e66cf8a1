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


def output_dir(name: str, root: Path | None = None) -> Path:
    """A folder the build writes (swapped in whole): first repaired if a killed build left it
    mid-swap, so every reader that asks for it here sees a complete folder."""
    from .io import recover_dir

    return recover_dir((root or repo_root()) / name)


def dataset_dir(root: Path | None = None) -> Path:
    return output_dir("dataset", root)
