"""User-facing errors: the CLI prints these as one line and exits non-zero, no traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in the user's input (paths, files, flags, server settings)."""

    exit_code = 2
