"""Reading and writing files so that no reader sees a half-written file and no input crashes us.

- `read_text`, `parse_json`, `read_jsonl`: a file that is missing, a folder, unreadable, not UTF-8,
  not JSON or nested too deeply is one `UserError` naming the path; JSONL rows are checked
  against a `shapes.Shape` before anyone looks values up.
- `write_bytes_atomic`/`write_text_atomic`: temp file, fsync, rename.
- `staged_dir` + `replace_dir_atomic`: an output folder (dataset/, any later one) is written to a
  staging folder beside it and swapped in under a journal, so a build killed at any moment leaves
  either the old or the new folder, or a journal from which `recover_dir` (run by the next build
  and by `paths.output_dir`, which every reader goes through) finishes the swap. Staging folders of
  dead processes are removed there too.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import UserError, os_error_message
from .shapes import Shape, refusal, shape_problems, unique_problems


def dumps_canonical(obj: Any) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- reading ------------------------------------------------------------------------------------


def present(path: Path) -> bool:
    """Whether anything is at `path` (a dangling or looping symlink counts: reading it must fail
    loudly, not be mistaken for an absent optional file)."""
    return os.path.lexists(path)


def read_text(path: Path) -> str:
    """A UTF-8 text file's content; any reason it cannot be read is a one-line UserError."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None


def parse_json(text: str, where: str) -> Any:
    """The parsed value; malformed or hostile JSON (100,000 nested brackets) is a UserError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{where}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise UserError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer longer than Python's 4,300-digit limit
        raise UserError(f"{where}: malformed JSON ({exc})") from None


def read_jsonl(
    path: Path, shape: Shape | None = None, unique: str | None = None
) -> list[dict[str, Any]]:
    """Objects of a JSON Lines file (blank lines skipped). Every malformed line, row not of
    `shape`, or repeated `unique` key is one `path:line: problem` line of a single UserError."""
    rows: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = parse_json(line, where)
        except UserError as exc:
            problems.append(str(exc))
            continue
        found = shape_problems(row, shape or Shape({}))
        if found:
            problems += [f"{where}: {p}" for p in found]
            continue
        rows.append((where, row))
    if unique:
        problems += unique_problems(rows, unique)
    if problems:
        raise refusal(problems)
    return [row for _, row in rows]


# --- writing files ------------------------------------------------------------------------------


def make_parents(path: Path) -> None:
    """Create the folders above `path`; a file standing where a folder must be is named."""
    for above in Path(path).parents:
        if present(above):
            if not above.is_dir():
                raise UserError(f"{path}: cannot write there ({above} is not a folder)")
            break
    Path(path).parent.mkdir(parents=True, exist_ok=True)


def umask() -> int:
    """The process's umask, read without changing it where /proc shows it (Linux >= 4.7)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for row in fh:
                if row.startswith("Umask:"):
                    return int(row.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return mask


def default_mode(directory: bool = False) -> int:
    """The mode `open()` or `mkdir()` would give a new file or folder under the current umask."""
    return (0o777 if directory else 0o666) & ~umask()


def write_bytes_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write through a temporary file in the same folder, then rename it over `path`.

    The file gets `mode`, by default what a plain `open(path, "w")` would give (the umask's), not
    the 0600 of the temporary file, so others on a shared machine can read the outputs.
    """
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    try:
        if path.exists() and not path.is_file():
            # A device or pipe (/dev/null, /dev/full) cannot be replaced (as root, renaming over
            # it would swap out the device node); it can only be written to.
            with open(path, "wb") as fh:
                fh.write(data)
            return
        make_parents(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        os.fchmod(fd, default_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, mode: int | None = None) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), mode)


# --- swapping output folders --------------------------------------------------------------------
#
# Beside a target folder `dataset/`, a swap uses (all hidden, all in .gitignore):
#   .dataset.staging-<pid>-<rand>/   the new content, written by process <pid>
#   .dataset.swap.json               journal: {"staging": …, "old": …}; present = staging complete
#   .dataset.old-<pid>-<rand>/       the previous content while it is moved aside
# Steps: fsync staging; write journal; rename dataset -> old; rename staging -> dataset; delete
# journal; delete old. A process killed anywhere leaves a state `recover_dir` resolves: with a
# journal it finishes the swap (or puts the old folder back if the staging folder is gone);
# without one, staging and old folders of dead processes are leftovers and are deleted.


def _journal(target: Path) -> Path:
    return target.parent / f".{target.name}.swap.json"


def _owner_pid(entry: str, target: Path) -> int | None:
    """The pid in `.<name>.staging-<pid>-…` or `.<name>.old-<pid>-…`; None if not such a name
    (a legacy `.<name>.old` or `.<name>.staging-<rand>` from before pids were recorded: -1)."""
    for kind in ("staging", "old"):
        prefix = f".{target.name}.{kind}"
        if entry == prefix:
            return -1
        if entry.startswith(prefix + "-"):
            head = entry[len(prefix) + 1 :].split("-", 1)[0]
            return int(head) if head.isdigit() else -1
    return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _leftovers(target: Path) -> list[Path]:
    """Staging and old folders beside `target` whose writing process is gone."""
    try:
        entries = sorted(os.listdir(target.parent))
    except OSError:
        return []
    out = []
    for entry in entries:
        pid = _owner_pid(entry, target)
        if pid is not None and not _alive(pid):
            out.append(target.parent / entry)
    return out


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` (flock on the folder itself: no lock file to leave behind),
    so two processes never swap or repair the same target at once. Released when the process
    dies, so a killed build cannot leave it held."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(dirpath))


def _recover_locked(target: Path) -> None:
    journal = _journal(target)
    if present(journal):
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            staging = target.parent / entry["staging"]
            old = target.parent / entry["old"]
        except (OSError, ValueError, KeyError, TypeError):
            staging = old = None  # unreadable journal: fall back to the leftover rules below
        if staging is not None and old is not None:
            if staging.is_dir():  # the journal says it is complete: finish the swap
                if present(target) and not present(old):
                    os.replace(target, old)
                if not present(target):
                    os.replace(staging, target)
            elif not present(target) and old.is_dir():  # new content lost: put the old back
                os.replace(old, target)
            _fsync_dir(target.parent)
        journal.unlink()
    for path in _leftovers(target):
        if not present(target) and path.name.startswith(f".{target.name}.old"):
            os.replace(path, target)  # a pre-journal build died between its renames
        else:
            shutil.rmtree(path, ignore_errors=True)


def recover_dir(target: Path) -> Path:
    """Finish or undo a swap of `target` interrupted by a killed process, and delete staging
    folders of dead builds; a no-op (nothing written) when there is nothing to repair."""
    target = Path(target)
    if not target.parent.is_dir():
        return target
    if present(_journal(target)) or _leftovers(target):
        with _locked(target.parent):
            _recover_locked(target)
    return target


def _check_replaceable(staging: Path, target: Path) -> None:
    check_replaceable(target, os.listdir(staging))


def check_replaceable(target: Path, names: Iterable[str]) -> None:
    """Refuse to replace what is not an earlier output: a file, or a folder holding names the
    new output (top-level `names`) does not have (`--out .` or `--out annotation` must not
    delete the checkout). A command writing several folders checks them all before any swap."""
    if not present(target):
        return
    if not target.is_dir():
        raise UserError(f"{target}: exists and is not a folder")
    foreign = sorted(set(os.listdir(target)) - set(names))
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise UserError(
            f"{target}: not an earlier output of this command (it holds {shown}); "
            "choose a new or empty folder, or remove those"
        )


def replace_dir_atomic(staging: Path, target: Path) -> None:
    """Swap a fully written staging folder (made by `staged_dir`) into place, recoverably."""
    staging, target = Path(staging), Path(target)
    _check_replaceable(staging, target)
    token = staging.name.split(".staging-", 1)[-1]
    old = target.parent / f".{target.name}.old-{token}"
    journal = _journal(target)
    _fsync_tree(staging)
    with _locked(target.parent):
        _recover_locked(target)
        write_text_atomic(journal, json.dumps({"staging": staging.name, "old": old.name}) + "\n")
        try:
            if present(target):
                os.replace(target, old)
            os.replace(staging, target)
        except BaseException:
            # Failed in this process (not killed): put the old folder back at once.
            with contextlib.suppress(OSError):
                if not present(target) and old.is_dir():
                    os.replace(old, target)
                journal.unlink()
            raise
        _fsync_dir(target.parent)
        journal.unlink()
        _fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def check_output_dir(target: Path) -> Path:
    """Refuse early an output folder that cannot be one (a file, a device, a file above it);
    create its parent folders."""
    target = Path(target)
    if present(target) and not target.is_dir():
        raise UserError(f"{target}: exists and is not a folder")
    try:
        make_parents(target)
    except OSError as exc:
        raise UserError(f"{target}: cannot create the output folder ({exc.strerror})") from None
    return target


@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """A fresh staging folder beside `target`; swapped in when the block ends without error,
    deleted otherwise. Earlier interrupted swaps of `target` are repaired first. A write that
    fails (disk full, read-only folder) is a UserError; the previous `target` stays as it was."""
    target = check_output_dir(target)
    try:
        recover_dir(target)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.staging-{os.getpid()}-", dir=target.parent)
        )
        os.chmod(staging, default_mode(directory=True))  # mkdtemp makes it 0700
    except OSError as exc:
        raise UserError(f"{target}: cannot create the output folder ({exc.strerror})") from None
    try:
        yield staging
        replace_dir_atomic(staging, target)
    except OSError as exc:
        raise UserError(
            f"{target}: cannot write the output ({os_error_message(exc)}); "
            "the previous content is unchanged"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
