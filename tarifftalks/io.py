"""Atomic file writes and canonical JSON, so no reader ever sees a half-written file."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def dumps_canonical(obj: Any) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSON Lines file; blank lines are skipped; bad JSON is a one-line UserError."""
    from .errors import UserError

    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{n}: malformed JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise UserError(f"{path}:{n}: expected a JSON object")
        rows.append(row)
    return rows


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, default_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, mode: int | None = None) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), mode)


def replace_dir_atomic(staging: Path, target: Path) -> None:
    """Swap a fully written staging folder into place (rename, then drop the old one).

    The staging folder gets the umask's mode first: `tempfile.mkdtemp` makes it 0700.
    """
    target = Path(target)
    os.chmod(staging, default_mode(directory=True))
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)
