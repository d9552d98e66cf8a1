"""Output folders are swapped in recoverably: killed builds, crashes between the two renames,
stale staging folders, and outputs that must never replace a folder of inputs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tarifftalks import paths
from tarifftalks.errors import UserError
from tarifftalks.io import recover_dir, replace_dir_atomic, staged_dir
from tarifftalks.release import build_dataset

from .conftest import REPO


@pytest.fixture(autouse=True)
def fast_figure(monkeypatch):
    """The figure is most of a build's time and has nothing to do with swapping folders."""
    from tarifftalks.release import figures

    monkeypatch.setattr(figures, "label_distribution_png", lambda counts: b"figure")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _swap_litter(parent: Path, name: str = "dataset") -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def _folder(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    return path


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- the swap itself, state by state ------------------------------------------------------------


def test_staged_dir_swaps_in_and_leaves_nothing_behind(tmp_path):
    target = _folder(tmp_path / "out", {"a.txt": "old"})
    with staged_dir(target) as staging:
        (staging / "a.txt").write_text("new")
    assert (target / "a.txt").read_text() == "new"
    assert _swap_litter(tmp_path, "out") == []


def test_failure_inside_the_block_keeps_the_old_folder(tmp_path):
    target = _folder(tmp_path / "out", {"a.txt": "old"})
    with pytest.raises(RuntimeError), staged_dir(target) as staging:
        (staging / "a.txt").write_text("half")
        raise RuntimeError("boom")
    assert (target / "a.txt").read_text() == "old"
    assert _swap_litter(tmp_path, "out") == []


def test_disk_full_while_writing_is_one_line_and_keeps_the_old_folder(tmp_path):
    target = _folder(tmp_path / "out", {"a.txt": "old"})
    with pytest.raises(UserError) as err, staged_dir(target) as staging:
        (staging / "a.txt").write_text("new")
        raise OSError(28, "No space left on device", str(staging / "b.bin"))
    assert str(err.value).startswith(f"{target}: cannot write the output")
    assert "No space left on device" in str(err.value)
    assert (target / "a.txt").read_text() == "old"
    assert _swap_litter(tmp_path, "out") == []


def test_error_in_the_second_rename_puts_the_old_folder_back(tmp_path, monkeypatch):
    target = _folder(tmp_path / "out", {"a.txt": "old"})
    real = os.replace

    def failing(src, dst):
        if Path(src).name.startswith(".out.staging-"):
            raise OSError(30, "Read-only file system", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(UserError, match="Read-only file system"), staged_dir(target) as staging:
        (staging / "a.txt").write_text("new")
    assert (target / "a.txt").read_text() == "old"
    assert _swap_litter(tmp_path, "out") == []


def _journal(parent: Path, staging: str, old: str, name: str = "out") -> None:
    (parent / f".{name}.swap.json").write_text(json.dumps({"staging": staging, "old": old}))


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (("old", "staging"), "new"),  # killed between the renames: finish the swap
        (("out", "staging"), "new"),  # killed before the first rename: finish the swap
        (("old",), "old"),  # the new folder is gone (deleted in-process): put the old back
        (("out", "old"), "new"),  # killed after the swap: only clean up
    ],
)
def test_recover_resolves_every_journaled_state(tmp_path, present, expected):
    pid = _dead_pid()
    names = {"out": "out", "old": f".out.old-{pid}-x", "staging": f".out.staging-{pid}-x"}
    content = {"out": "old", "old": "old", "staging": "new"}
    if present == ("out", "old"):
        content["out"] = "new"
    for which in present:
        _folder(tmp_path / names[which], {"a.txt": content[which]})
    _journal(tmp_path, names["staging"], names["old"])
    recover_dir(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text() == expected
    assert _swap_litter(tmp_path, "out") == []


def test_recover_restores_a_pre_journal_build_killed_between_renames(tmp_path):
    """The state the old code left: `.dataset.old` and no dataset/ at all."""
    _folder(tmp_path / ".out.old", {"a.txt": "old"})
    _folder(tmp_path / ".out.staging-abc123", {"a.txt": "partial"})
    recover_dir(tmp_path / "out")
    assert (tmp_path / "out" / "a.txt").read_text() == "old"
    assert _swap_litter(tmp_path, "out") == []


def test_stale_staging_of_dead_builds_is_removed_but_live_ones_are_kept(tmp_path):
    target = _folder(tmp_path / "out", {"a.txt": "v1"})
    dead = _folder(tmp_path / f".out.staging-{_dead_pid()}-abc", {"x": "1"})
    legacy = _folder(tmp_path / ".out.staging-k2j3h4", {"x": "1"})
    live = _folder(tmp_path / f".out.staging-{os.getpid()}-abc", {"x": "1"})
    unrelated = _folder(tmp_path / ".other.staging-1-abc", {"x": "1"})
    recover_dir(target)
    assert not dead.exists() and not legacy.exists()
    assert live.exists() and unrelated.exists()
    assert (target / "a.txt").read_text() == "v1"


def test_nothing_to_repair_writes_nothing(tmp_path):
    target = _folder(tmp_path / "out", {"a.txt": "v1"})
    before = sorted(os.listdir(tmp_path))
    os.chmod(tmp_path, 0o500)  # no effect for root, but recover_dir must not even try
    try:
        recover_dir(target)
    finally:
        os.chmod(tmp_path, 0o700)
    assert sorted(os.listdir(tmp_path)) == before


def test_every_reader_of_the_dataset_folder_repairs_it_first(tmp_path):
    """`paths.output_dir` (dataset_dir, and any later output folder) is the repair point."""
    pid = _dead_pid()
    for name in ("dataset", "dataset-standoff"):
        _folder(tmp_path / f".{name}.old-{pid}-x", {"a.txt": "old"})
        _folder(tmp_path / f".{name}.staging-{pid}-x", {"a.txt": "new"})
        _journal(tmp_path, f".{name}.staging-{pid}-x", f".{name}.old-{pid}-x", name)
    assert (paths.dataset_dir(tmp_path) / "a.txt").read_text() == "new"
    assert (paths.output_dir("dataset-standoff", tmp_path) / "a.txt").read_text() == "new"
    assert _swap_litter(tmp_path) == [] and _swap_litter(tmp_path, "dataset-standoff") == []


# --- what an output folder may replace ----------------------------------------------------------


@pytest.mark.parametrize("where", [".", "annotation", "seeds", "annotation/gold"])
def test_build_never_replaces_a_folder_of_inputs(repo_copy, where):
    target = (repo_copy / where).resolve()
    before = _digest(repo_copy)
    with pytest.raises(UserError, match="not an earlier output"):
        build_dataset(repo_copy, target, log=lambda *a: None)
    assert _digest(repo_copy) == before
    assert _swap_litter(target.parent, target.name) == []


def test_build_into_a_file_or_device_is_refused_before_any_work(repo_copy, tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("keep")
    for target in (a_file, Path("/dev/full"), a_file / "sub"):
        with pytest.raises(UserError, match="not a folder"):
            build_dataset(repo_copy, target, log=lambda *a: None)
    assert a_file.read_text() == "keep"
    assert Path("/dev/full").is_char_device()


def test_replace_refuses_a_folder_with_names_the_new_output_lacks(tmp_path):
    target = _folder(tmp_path / "out", {"a.txt": "v1", "notes.md": "mine"})
    staging = _folder(tmp_path / ".out.staging-1-x", {"a.txt": "v2"})
    with pytest.raises(UserError, match=r"holds notes\.md"):
        replace_dir_atomic(staging, target)
    assert (target / "notes.md").read_text() == "mine"


def test_swap_litter_is_git_ignored():
    names = [".dataset.staging-123-abc", ".dataset.old-123-abc", ".dataset.swap.json"]
    names += [n.replace("dataset", "dataset-standoff") for n in names]
    res = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=REPO, capture_output=True, text=True
    )
    assert sorted(res.stdout.split()) == sorted(names)


# --- real processes: a crash between the renames, and kills at random moments ---------------------


_CRASH_BETWEEN_RENAMES = """
import os, sys
from pathlib import Path
from tarifftalks.release import figures
figures.label_distribution_png = lambda counts: b"figure"
real = os.replace
def replace(src, dst):
    real(src, dst)
    if Path(dst).name.startswith(".dataset.old-"):  # dataset/ moved aside, new one not yet in
        os._exit(9)
os.replace = replace
from tarifftalks.cli import main
sys.exit(main(["build", "--quiet", "--root", sys.argv[1]]))
"""


@pytest.fixture()
def repo_with_dataset(repo_copy) -> Path:
    shutil.copytree(REPO / "dataset", repo_copy / "dataset")
    # A changed card source makes the next build differ from the committed one, so each check
    # can tell the old dataset from the new.
    with (repo_copy / "DATASET_CARD.md").open("a") as fh:
        fh.write("\nA line that makes this build differ.\n")
    return repo_copy


def test_crash_between_the_two_renames_is_repaired_by_the_next_command(repo_with_dataset, tmp_path):
    root = repo_with_dataset
    build_dataset(root, tmp_path / "reference", log=lambda *a: None)
    new_build = _digest(tmp_path / "reference")
    res = subprocess.run([sys.executable, "-c", _CRASH_BETWEEN_RENAMES, str(root)])
    assert res.returncode == 9
    assert not (root / "dataset").exists(), "the crash was meant to hit the window"
    assert (root / ".dataset.swap.json").is_file()
    assert _digest(paths.dataset_dir(root)) == new_build
    assert _swap_litter(root) == []


# A build server: imports and warms up once, then forks one real `tarifftalks build` per request,
# so ten kills cost ten builds, not ten interpreter start-ups. The figure is stubbed: it is most
# of a build's time and has nothing to do with the swap.
_BUILD_SERVER = """
import os, sys
from pathlib import Path
from tarifftalks.release import build_dataset, figures
from tarifftalks.cli import build_parser, main
figures.label_distribution_png = lambda counts: b"figure"
build_parser()
root, reference = Path(sys.argv[1]), Path(sys.argv[2])
build_dataset(root, reference, log=lambda *a: None)
print("ready", flush=True)
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        os._exit(main(["build", "--quiet", "--root", str(root)]))
    print(pid, flush=True)
    print(os.waitpid(pid, 0)[1], flush=True)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_builds_killed_at_random_moments_always_leave_a_complete_dataset(
    repo_with_dataset, tmp_path
):
    root = repo_with_dataset
    committed = _digest(REPO / "dataset")
    server = subprocess.Popen(
        [sys.executable, "-c", _BUILD_SERVER, str(root), str(tmp_path / "reference")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().strip() == "ready"
        new_build = _digest(tmp_path / "reference")
        assert committed != new_build
        rng = random.Random(11)
        outcomes = []
        for i in range(10):
            shutil.rmtree(root / "dataset")
            shutil.copytree(REPO / "dataset", root / "dataset")
            server.stdin.write("build\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            mode = ("anywhere", "writing", "swapping")[i % 3]
            if mode == "anywhere":
                time.sleep(rng.uniform(0.0, 1.5))
            else:
                # Poll for the staging folder (writing) or the journal (swapping), then kill a
                # moment later; give up when the build has already ended.
                wanted = ".dataset.staging-" if mode == "writing" else ".dataset.swap.json"
                while _alive(pid) and not any(n.startswith(wanted) for n in _swap_litter(root)):
                    time.sleep(0.001)
                time.sleep(rng.uniform(0.0, 0.05 if mode == "writing" else 0.002))
            with contextlib.suppress(ProcessLookupError):  # it may have finished already
                os.kill(pid, signal.SIGKILL)
            status = int(server.stdout.readline())
            state = _digest(paths.dataset_dir(root))
            assert state in (committed, new_build), f"kill {i}: dataset/ is neither old nor new"
            assert _swap_litter(root) == [], f"kill {i}: leftovers"
            outcomes.append((mode, "new" if state == new_build else "old", status))
        # The next build after all that works and gives the new dataset.
        server.stdin.write("build\n")
        server.stdin.flush()
        server.stdout.readline()
        assert int(server.stdout.readline()) == 0
        assert _digest(root / "dataset") == new_build
        assert _swap_litter(root) == []
        print("outcomes:", outcomes)
    finally:
        server.kill()
        server.wait()
