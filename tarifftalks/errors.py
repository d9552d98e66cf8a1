"""User-facing errors: the CLI prints these as one line and exits non-zero, no traceback."""

from __future__ import annotations

import os


class UserError(Exception):
    """A mistake in the user's input (paths, files, flags, server settings)."""

    exit_code = 2


def os_error_message(exc: OSError) -> str:
    """`<path>: <reason>` for an OSError (both paths of a failed rename), as one line."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is None:
        return reason
    where = os.fsdecode(exc.filename)
    if exc.filename2 is not None:
        where += f" -> {os.fsdecode(exc.filename2)}"
    return f"{where}: {reason}"
