"""JSON shapes: the kind each key of a record must have, checked before any value is looked up.

Every reader of a JSON file (gold, manifest, KB, adjudication log) describes its records with a
`Shape` and gets one `where: problem` line per wrong or missing key, so a list where a string
belongs is a refusal naming the key, never a TypeError deep inside the code that uses the value.
Values (labels, offsets, references) are checked afterwards by each reader's own rules.

    ENTITY = Shape({"id": STR, "start": INT, "type": STR}, optional={"kb": (STR, NULL)})
    shape_problems({"id": ["T1"], "start": 3}, ENTITY)
    -> ["id: expected a string, got a list", "missing type"]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from .errors import UserError

# Kinds of JSON values. INT excludes booleans (JSON true is not 1).
STR, INT, NUMBER, BOOL, NULL, LIST, OBJECT, ANY = (
    "str",
    "int",
    "number",
    "bool",
    "null",
    "list",
    "object",
    "any",
)
_NAMES = {
    STR: "a string",
    INT: "an integer",
    NUMBER: "a number",
    BOOL: "a boolean",
    NULL: "null",
    LIST: "a list",
    OBJECT: "an object",
    ANY: "any value",
}

# How many problems a refusal prints before it only counts the rest.
PROBLEM_LIMIT = 20


@dataclass(frozen=True)
class ListOf:
    """A list whose every item has the given kind(s)."""

    item: Kinds


@dataclass(frozen=True)
class Shape:
    """An object: the kind(s) of each required key and of each optional key (when present).
    Other keys are ignored."""

    required: Mapping[str, Kinds]
    optional: Mapping[str, Kinds] = field(default_factory=dict)


Kind: TypeAlias = "str | ListOf | Shape"
Kinds: TypeAlias = "Kind | tuple[Kind, ...]"


def kind_of(value: Any) -> str:
    """The JSON kind of a parsed value, for messages ('a list', 'an integer', …)."""
    if value is None:
        return _NAMES[NULL]
    if isinstance(value, bool):
        return _NAMES[BOOL]
    if isinstance(value, int):
        return _NAMES[INT]
    if isinstance(value, float):
        return _NAMES[NUMBER]
    if isinstance(value, str):
        return _NAMES[STR]
    if isinstance(value, list):
        return _NAMES[LIST]
    if isinstance(value, dict):
        return _NAMES[OBJECT]
    return type(value).__name__


def _matches(value: Any, kind: Kind) -> bool:
    if isinstance(kind, Shape) or kind == OBJECT:
        return isinstance(value, dict)
    if isinstance(kind, ListOf) or kind == LIST:
        return isinstance(value, list)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return {
        STR: isinstance(value, str),
        BOOL: isinstance(value, bool),
        NULL: value is None,
        ANY: True,
    }[kind]


def _name(kind: Kind) -> str:
    if isinstance(kind, Shape):
        return _NAMES[OBJECT]
    if isinstance(kind, ListOf):
        return _NAMES[LIST]
    return _NAMES[kind]


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def shape_problems(value: Any, expected: Kinds, where: str = "") -> list[str]:
    """Every place where `value` does not have the expected kinds; empty when it does.

    Recursion follows the expected shape, never the data, so hostile nesting cannot overflow it.
    """
    alternatives = expected if isinstance(expected, tuple) else (expected,)
    for kind in alternatives:
        if _matches(value, kind):
            return _inner_problems(value, kind, where)
    wanted = " or ".join(_name(k) for k in alternatives)
    return [f"{where + ': ' if where else ''}expected {wanted}, got {kind_of(value)}"]


def _inner_problems(value: Any, kind: Kind, where: str) -> list[str]:
    out: list[str] = []
    if isinstance(kind, Shape):
        for key, kinds in kind.required.items():
            if key not in value:
                out.append(f"{where + ': ' if where else ''}missing {key}")
            else:
                out += shape_problems(value[key], kinds, _at(where, key))
        for key, kinds in kind.optional.items():
            if key in value:
                out += shape_problems(value[key], kinds, _at(where, key))
    elif isinstance(kind, ListOf):
        for i, item in enumerate(value):
            out += shape_problems(item, kind.item, f"{where}[{i}]")
    return out


def refusal(problems: list[str], limit: int = PROBLEM_LIMIT) -> UserError:
    """One UserError listing the first `limit` problems, one per line, then a count of the rest."""
    shown = problems[:limit]
    if len(problems) > limit:
        shown.append(f"… and {len(problems) - limit} more problem(s)")
    return UserError("\n".join(shown))


def unique_problems(rows: list[tuple[str, dict[str, Any]]], key: str) -> list[str]:
    """`where: key 'x' also at <first where>` for every row repeating an earlier row's `key`."""
    seen: dict[Any, str] = {}
    out = []
    for where, row in rows:
        value = row.get(key)
        if not isinstance(value, str):
            continue
        if value in seen:
            out.append(f"{where}: {key} {value!r} is also at {seen[value]}")
        else:
            seen[value] = where
    return out


# The seed manifest's rows (seeds/manifest.jsonl); `corpus.MANIFEST_FIELDS` names the same keys.
MANIFEST_ROW = Shape(
    {
        "doc_id": STR,
        "file": STR,
        "sha256": STR,
        "outlet": (STR, NULL),
        "title": (STR, NULL),
        "published": (STR, NULL),
        "published_basis": (STR, NULL),
        "published_reason": (STR, NULL),
        "story_id": STR,
        "near_duplicate_of": (STR, NULL),
    },
    optional={
        "source_url": (STR, NULL),
        "site": (STR, NULL),
        "retrieved": (STR, NULL),
        "truncated": BOOL,
        "authored": BOOL,
        "occasion": (STR, NULL),
        "facts": (ListOf(STR), NULL),
        "reported_by": (ListOf(STR), NULL),
    },
)
