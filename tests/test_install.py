"""The install: pins that hold, files others can read, help and logs without clutter."""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tarifftalks import io
from tarifftalks.cli import build_parser

from .conftest import REPO

tomllib = pytest.importorskip("tomllib")


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for row in path.read_text().splitlines():
        row = row.split("#", 1)[0].strip()
        if row:
            name, _, ver = row.partition("==")
            assert ver, f"{path.name}: {row!r} is not pinned with =="
            out[canonicalize_name(name)] = ver
    return out


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]


def test_every_declared_dependency_is_pinned_and_installed_at_its_pin():
    pins = _pins(REPO / "constraints.txt")
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in constraints.txt: run scripts/lock.sh"
        assert req.specifier.contains(pins[name]), f"constraints.txt: {name} {pins[name]} vs {req}"


def test_the_environment_has_the_pinned_versions():
    """What CI installs into a brand-new venv (scripts/setup.sh) is exactly constraints.txt, so the
    build in tests/test_build.py writes the committed bytes. uv is the installer, not run code."""
    wrong = []
    for name, pinned in sorted(_pins(REPO / "constraints.txt").items()):
        try:
            have = version(name)
        except PackageNotFoundError:
            continue  # e.g. setuptools, seeded into a venv only by some Pythons
        if have != pinned and name != "uv":
            wrong.append(f"{name} {have} (pinned {pinned})")
    assert not wrong, "not the pinned versions; run `bash scripts/setup.sh`: " + ", ".join(wrong)


def test_pyarrow_is_pinned_exactly_and_the_jusText_extra_is_declared_directly():
    assert version("pyarrow") == _pins(REPO / "constraints.txt")["pyarrow"]
    names = {canonicalize_name(r.name) for r in _declared()}
    assert "lxml-html-clean" in names  # pip < 24 drops jusText's misspelt lxml extra
    import justext  # noqa: F401  (fails without lxml_html_clean)


def test_the_studio_venv_has_its_own_pins():
    studio = _pins(REPO / "constraints-studio.txt")
    assert "label-studio" in studio
    # Why it is a separate file: label-studio's pyarrow cap excludes the project's pyarrow.
    assert studio["pyarrow"] != _pins(REPO / "constraints.txt")["pyarrow"]


def _all_parsers(parser: argparse.ArgumentParser, prog: str = "tarifftalks"):
    yield prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in sorted(action.choices.items()):
                yield from _all_parsers(sub, f"{prog} {name}")


def test_no_help_prints_a_doubled_percent_sign():
    seen = 0
    for prog, parser in _all_parsers(build_parser()):
        text = parser.format_help()
        assert "%%" not in text, f"`{prog} --help` prints %%"
        assert "%(" not in text, f"`{prog} --help` prints an unformatted %(...)"
        seen += 1
    assert seen > 10  # every command and the studio subcommands


@pytest.fixture()
def umask_027():
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_umask_is_read_without_changing_it(umask_027):
    assert io.umask() == 0o027
    assert io.umask() == 0o027
    assert io.default_mode() == 0o640 and io.default_mode(directory=True) == 0o750


def test_atomic_writes_get_the_modes_of_the_umask(tmp_path, umask_027):
    io.write_text_atomic(tmp_path / "a.txt", "x")
    assert _mode(tmp_path / "a.txt") == 0o666 & ~umask_027  # not mkstemp's 0600
    io.write_text_atomic(tmp_path / "a.txt", "y")  # replacing an existing file
    assert _mode(tmp_path / "a.txt") == 0o640
    io.write_bytes_atomic(tmp_path / "secret", b"s", mode=0o600)  # asked for explicitly
    assert _mode(tmp_path / "secret") == 0o600
    with io.staged_dir(tmp_path / "out") as staging:  # tempfile.mkdtemp makes it 0700
        (staging / "f").write_text("z")
    assert _mode(tmp_path / "out") == 0o777 & ~umask_027


def test_build_outputs_are_readable_as_the_umask_allows(tmp_path):
    """The real build, under the umask this test runs with: folders and files as mkdir/open
    would make them (the issue: dataset/ was 0700 and files 0600 whatever the umask)."""
    from tarifftalks.release import build_dataset

    out = tmp_path / "dataset"
    build_dataset(REPO, out, log=lambda *a: None)
    mask = io.umask()
    paths = [out, *sorted(out.rglob("*"))]
    assert len(paths) > 10
    for p in paths:
        want = (0o777 if p.is_dir() else 0o666) & ~mask
        assert _mode(p) == want, f"{p.relative_to(tmp_path)}: {oct(_mode(p))}, umask {oct(mask)}"


_LOAD = """
import sys
from tarifftalks.cli import main
if sys.argv[1] == "cli":
    main(["validate"])
from datasets import load_dataset
load_dataset(sys.argv[2], "documents")
"""


@pytest.mark.usefixtures("hf_offline")
def test_no_datasets_progress_bars_when_stderr_is_not_a_terminal(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HF_DATASETS_DISABLE_PROGRESS_BARS"}

    def stderr_of(mode: str) -> str:
        env["HF_DATASETS_CACHE"] = str(tmp_path / f"cache-{mode}")  # a cold cache: bars appear
        done = subprocess.run(
            [sys.executable, "-c", _LOAD, mode, str(REPO / "dataset")],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stderr

    assert "Generating train split" in stderr_of("library")  # the bars this test looks for
    assert "Generating" not in stderr_of("cli")
