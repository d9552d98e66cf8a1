"""Every class of bad input from issue 11 (data loss, type confusion, OS errors, out-of-range
flags) through the CLI's `main`, in process, on a temporary copy of the repository: the exit
code, a short stderr without a traceback, and seeds/, annotation/, dataset/ byte for byte as
they were. (Prediction files and `studio` have their own tables.)

Tests run as root, where permissions stop nothing: unwritable and read-only folders are injected
as the OSError the kernel would raise; disk full is the real /dev/full."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tarifftalks import commands
from tarifftalks.cli import main

from .conftest import REPO

GOLD = Path("annotation/gold")


def _edit_json(root: Path, rel: str | Path, change: Callable[[dict], None]) -> None:
    path = root / rel
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _edit_jsonl(root: Path, rel: str, change: Callable[[list[dict]], None]) -> None:
    path = root / rel
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    change(rows)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _first_gold(root: Path, folder: Path = GOLD) -> Path:
    return sorted((root / folder).glob("*.json"))[0].relative_to(root)


def _gold(change: Callable[[dict], None], folder: Path = GOLD) -> Callable[[Path], None]:
    return lambda root: _edit_json(root, _first_gold(root, folder), change)


def _event_with_args(g: dict) -> dict:
    return next(e for e in g["events"] if e["arguments"])


def _fail(exc: OSError) -> Callable:
    def raise_(*args, **kwargs):
        raise exc

    return raise_


@dataclass
class Case:
    id: str
    argv: list[str]
    code: int
    needle: str
    setup: Callable[[Path], None] = lambda root: None
    # (module attribute, replacement factory given the root): an OS failure injected for the run
    inject: list[tuple[object, str, Callable[[Path], object]]] = field(default_factory=list)


def _dup(root: Path) -> None:
    src = root / _first_gold(root)
    shutil.copy(src, src.with_name(src.stem + ".old.json"))


def _symlink_loop(root: Path) -> None:
    (root / GOLD / "loop.json").symlink_to("loop.json")


def _gold_is_a_folder(root: Path) -> None:
    (root / GOLD / "tt-999.json").mkdir()


def _a_file(root: Path) -> None:
    (root.parent / "a_file").write_text("not a folder")


def _os_error(err: int, rel: str) -> Callable[[Path], Callable]:
    return lambda root: _fail(OSError(err, os.strerror(err), str(root / rel)))


def _replace_fails_in_root(err: int) -> Callable[[Path], Callable]:
    """os.replace failing to move dataset/ aside (a read-only dataset/ at the swap)."""
    real = os.replace

    def factory(root: Path) -> Callable:
        def replace(src, dst):
            if Path(src) == root / "dataset":
                raise OSError(err, os.strerror(err), str(src), None, str(dst))
            return real(src, dst)

        return replace

    return factory


CASES = [
    Case("control: clean copy validates", ["validate"], 0, "ok: "),
    # 1. data loss
    Case("two gold files claim one doc_id (validate)", ["validate"], 2, "also claimed by", _dup),
    Case("two gold files claim one doc_id (build)", ["build"], 2, "also claimed by", _dup),
    # 2. type confusion: gold
    Case(
        "event type is a list",
        ["validate"],
        2,
        ".type: expected a string, got a list",
        _gold(lambda g: g["events"][0].update(type=["Contact:Meet"])),
    ),
    Case(
        "realis is an object",
        ["build"],
        2,
        ".realis: expected a string, got an object",
        _gold(lambda g: g["events"][0].update(realis={"actual": 1})),
    ),
    Case(
        "role is a list",
        ["validate"],
        2,
        ".role: expected a string, got a list",
        _gold(lambda g: _event_with_args(g)["arguments"][0].update(role=["Agent"])),
    ),
    Case(
        "an argument is a string",
        ["validate"],
        2,
        "arguments[0]: expected an object, got a string",
        _gold(lambda g: _event_with_args(g).update(arguments=["T1"])),
    ),
    Case(
        "a note is a string",
        ["validate"],
        2,
        "notes[0]: expected an object, got a string",
        _gold(lambda g: g.update(notes=["remember this"])),
    ),
    Case(
        "a mention id is a list",
        ["validate"],
        2,
        "entities[0].id: expected a string, got a list",
        _gold(lambda g: g["entities"][0].update(id=["T1"])),
    ),
    Case(
        "a line label is an object",
        ["validate"],
        2,
        "lines[0].label: expected a string, got an object",
        _gold(lambda g: g["lines"][0].update(label={"body": True})),
    ),
    Case(
        "the gold file is a list",
        ["validate"],
        2,
        "expected an object, got a list",
        lambda root: (root / _first_gold(root)).write_text("[1, 2]"),
    ),
    Case(
        "the gold file nests 100,000 brackets",
        ["validate"],
        2,
        "nested too deeply",
        lambda root: (root / _first_gold(root)).write_text("[" * 100_000 + "]" * 100_000),
    ),
    # 2. type confusion: manifest, KB, adjudication log, passes
    Case(
        "manifest story_id is a list",
        ["validate"],
        2,
        "manifest.jsonl:1: story_id: expected a string, got a list",
        lambda root: _edit_jsonl(
            root, "seeds/manifest.jsonl", lambda r: r[0].update(story_id=["a"])
        ),
    ),
    Case(
        "manifest doc_id twice",
        ["build"],
        2,
        "doc_id 'tt-000' is also at",
        lambda root: _edit_jsonl(root, "seeds/manifest.jsonl", lambda r: r.append(r[0])),
    ),
    Case(
        "KB row without id",
        ["validate"],
        2,
        "kb.jsonl:",
        lambda root: _edit_jsonl(root, "annotation/kb.jsonl", lambda r: r[0].pop("id")),
    ),
    Case(
        "KB id is a list",
        ["build"],
        2,
        "id: expected a string, got a list",
        lambda root: _edit_jsonl(root, "annotation/kb.jsonl", lambda r: r[0].update(id=["x"])),
    ),
    Case(
        "adjudication row without id",
        ["adjudicate"],
        2,
        ": missing id",
        lambda root: _edit_jsonl(
            root,
            str(sorted((root / "annotation/adjudication").glob("*.jsonl"))[0].relative_to(root)),
            lambda r: r[0].pop("id"),
        ),
    ),
    Case(
        "pass b: a role is an object (agreement)",
        ["agreement"],
        2,
        ".role: expected a string, got an object",
        _gold(
            lambda g: _event_with_args(g)["arguments"][0].update(role={"a": 1}),
            Path("annotation/passes/b"),
        ),
    ),
    Case(
        "pass a: an argument points nowhere (adjudicate)",
        ["adjudicate"],
        2,
        "which is no entity mention",
        _gold(
            lambda g: _event_with_args(g)["arguments"][0].update(mention="T999"),
            Path("annotation/passes/a"),
        ),
    ),
    Case(
        "pass b: a role is an object (build's agreement section)",
        ["build"],
        2,
        ".role: expected a string, got an object",
        _gold(
            lambda g: _event_with_args(g)["arguments"][0].update(role={"a": 1}),
            Path("annotation/passes/b"),
        ),
    ),
    Case(
        "gold: an argument points nowhere (agreement --json compares against gold)",
        ["agreement", "--json"],
        2,
        "which is no entity mention",
        _gold(lambda g: _event_with_args(g)["arguments"][0].update(mention="T999")),
    ),
    Case(
        "ingest --authored: facts nested 100,000 brackets deep",
        ["ingest", "--dry-run", "--authored", "{tmp}/facts.json", "{tmp}/new.txt"],
        2,
        "facts.json: JSON nested too deeply",
        lambda root: (
            (root.parent / "facts.json").write_text("[" * 100_000 + "]" * 100_000),
            (root.parent / "new.txt").write_text("A new article.\n"),
        ),
    ),
    # 3. OS errors
    Case(
        "a gold 'file' is a folder", ["validate"], 2, "is a folder, not a file", _gold_is_a_folder
    ),
    Case(
        "a symlink loop in the gold", ["validate"], 2, "Too many levels of symbolic", _symlink_loop
    ),
    Case(
        "build --out is a file",
        ["build", "--out", "{tmp}/a_file"],
        2,
        "a_file: exists and is not a folder",
        _a_file,
    ),
    Case(
        "build --out under a file",
        ["build", "--out", "{tmp}/a_file/dataset"],
        2,
        "a_file is not a folder",
        _a_file,
    ),
    Case("build --out /dev/full", ["build", "--out", "/dev/full"], 2, "not a folder"),
    Case(
        "build --out the checkout itself",
        ["build", "--out", "{root}"],
        2,
        "not an earlier output",
    ),
    Case(
        "build --out annotation/",
        ["build", "--out", "{root}/annotation"],
        2,
        "not an earlier output",
    ),
    Case(
        "build --out an unwritable folder",
        ["build", "--out", "{tmp}/locked/dataset"],
        2,
        "locked/dataset: cannot create the output folder (Permission denied)",
        inject=[(tempfile, "mkdtemp", _os_error(errno.EACCES, "../locked/.x"))],
    ),
    Case(
        "build: read-only dataset/ (the swap's rename fails)",
        ["build"],
        2,
        "Read-only file system",
        inject=[(os, "replace", _replace_fails_in_root(errno.EROFS))],
    ),
    Case(
        "build: disk full while writing",
        ["build"],
        2,
        "No space left on device",
        inject=[(Path, "write_bytes", _os_error(errno.ENOSPC, "dataset/x"))],
    ),
    Case(
        "score --export-gold /dev/full",
        ["score", "--export-gold", "/dev/full"],
        2,
        "/dev/full: cannot write (No space left on device)",
    ),
    Case(
        "score --export-gold into a folder",
        ["score", "--export-gold", "{tmp}"],
        2,
        "is a folder, not a file",
    ),
    Case(
        "score --export-gold under a file",
        ["score", "--export-gold", "{tmp}/a_file/gold.jsonl"],
        2,
        "a_file is not a folder",
        _a_file,
    ),
    Case(
        "score --export-gold into an unwritable folder",
        ["score", "--export-gold", "{tmp}/ro/gold.jsonl"],
        2,
        "ro/gold.jsonl: cannot write (Permission denied)",
        inject=[(tempfile, "mkstemp", _os_error(errno.EACCES, "../ro/.gold.jsonl.tmp"))],
    ),
    Case(
        "control: score --export-gold into a missing folder creates it",
        ["score", "--export-gold", "{tmp}/new/sub/gold.jsonl"],
        0,
        "wrote ",
    ),
    Case(
        "adjudicate --skeleton: read-only annotation/",
        ["adjudicate", "--skeleton"],
        2,
        "cannot write (Read-only file system)",
        inject=[(tempfile, "mkstemp", _os_error(errno.EROFS, "annotation/adjudication/.t"))],
    ),
    Case(
        "an OSError no reader foresaw reaches main",
        ["validate"],
        2,
        "seeds/000.txt: Permission denied",
        inject=[
            (
                commands,
                "load_documents",
                _os_error(errno.EACCES, "seeds/000.txt"),
            )
        ],
    ),
]

# 4. out-of-range numeric flags: refused by the parser (usage + one error line, exit 2)
FLAG_CASES = [
    (["score", "--seed", "-1", "--pred", "x.jsonl"], "argument --seed: expected an integer >= 0"),
    (["score", "--bootstrap", "-5", "--pred", "x.jsonl"], "argument --bootstrap"),
    (["score", "--bootstrap", "10000000000", "--pred", "x.jsonl"], "from 0 to 1000000"),
    (["score", "--seed", "1.5", "--pred", "x.jsonl"], "expected an integer, got '1.5'"),
    (["baselines", "--bootstrap", "-1"], "argument --bootstrap"),
]


def _tree_hash(folder: Path) -> str:
    """Names, file bytes and symlink targets under `folder` (symlinks are not followed)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(folder)):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]):
            p = Path(dirpath, name)
            h.update(str(p.relative_to(folder)).encode())
            h.update(os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
    return h.hexdigest()


def _hashes(root: Path) -> dict[str, str]:
    return {d: _tree_hash(root / d) for d in ("seeds", "annotation", "dataset")}


@pytest.fixture()
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("seeds", "annotation", "dataset"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "DATASET_CARD.md", root / "DATASET_CARD.md")
    monkeypatch.setenv("TARIFFTALKS_ROOT", str(root))
    # The figure is most of a build's time; these builds are refused before or at the swap.
    from tarifftalks.release import figures

    monkeypatch.setattr(figures, "label_distribution_png", lambda counts: b"figure")
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_ends_in_one_clean_refusal_and_loses_nothing(
    case: Case, checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    root = checkout
    case.setup(root)
    before = _hashes(root)
    argv = [a.format(root=root, tmp=root.parent) for a in case.argv]
    for owner, name, factory in case.inject:
        monkeypatch.setattr(owner, name, factory(root))
    code = main(argv)
    monkeypatch.undo()  # restore before hashing (the injections patch os and Path)
    out, err = capsys.readouterr()
    assert code == case.code, err
    assert case.needle in out + err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 6, err
    assert _hashes(root) == before
    litter = [p.name for p in root.iterdir() if p.name.startswith(".dataset.")]
    assert litter == []


@pytest.mark.parametrize(("argv", "needle"), FLAG_CASES, ids=[" ".join(a) for a, _ in FLAG_CASES])
def test_out_of_range_flags_are_refused_by_the_parser(argv, needle, checkout, capsys):
    before = _hashes(checkout)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert needle in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(f"tarifftalks {argv[0]}: error: argument")
    assert _hashes(checkout) == before
