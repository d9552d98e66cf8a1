"""Typed argparse converters for numeric flags: an out-of-range value is refused by the parser
(usage line + one error line, exit 2) before any command runs.

    p.add_argument("--seed", type=non_negative_int)
    p.add_argument("--port", type=int_in_range(1, 65535))
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_in_range(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """A converter accepting integers with low <= value <= high (either bound may be open)."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                wanted = f"an integer >= {low}"
            elif low is None:
                wanted = f"an integer <= {high}"
            else:
                wanted = f"an integer from {low} to {high}"
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {value}")
        return value

    convert.__name__ = "int"  # argparse names the type in its own messages
    return convert


non_negative_int = int_in_range(0)
positive_int = int_in_range(1)
# Bootstrap resamples: 0 (no intervals) up to a count that still fits in memory.
bootstrap_count = int_in_range(0, 1_000_000)
