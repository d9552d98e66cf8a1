"""Lines, sentences and tokens, each with half-open code-point offsets into the raw text.

The raw text is never normalised: offsets index the decoded file content as Python `str`
(docs/DESIGN.md §3). Sentences and tokens come from spaCy's blank English pipeline (rule-based
tokenizer and
sentencizer, no model download), run line by line so a sentence never crosses a line.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# Hyphens and dashes that join two names ("U.S.-Japan", "Rwanda–Congo") split into three tokens,
# so entity boundaries inside such compounds fall on token boundaries.
# Markup left by a scraper ("round</h1>", "Topix&nbsp;rose") splits off the words it is glued to,
# so a word inside a tag residue still has token boundaries.
_EXTRA_INFIXES = (
    r"(?<=[A-Za-z0-9.])[-\u2013\u2014](?=[A-Za-z])",
    r"[<>]",
    r"[.,;:!?](?=[<&])",
    r"&(?:nbsp|amp|raquo|laquo|quot|lt|gt|mdash|ndash);",
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def iter_lines(text: str) -> list[Span]:
    """Every non-empty line as a span without its terminator and surrounding whitespace.

    Lines split on "\\n" only (not `str.splitlines`, which also breaks on U+2028 and friends).
    A line is empty when it holds only whitespace (including non-breaking spaces).
    """
    spans: list[Span] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            spans.append(Span(pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return spans


@functools.lru_cache(maxsize=1)
def _nlp():
    import spacy
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Span, ...]


def sentences(text: str, span: Span) -> list[Sentence]:
    """Sentences of one line (`span`), with their non-space tokens, in document offsets."""
    doc = _nlp()(text[span.start : span.end])
    out: list[Sentence] = []
    for sent in doc.sents:
        toks = tuple(
            Span(span.start + t.idx, span.start + t.idx + len(t.text))
            for t in sent
            if not t.is_space
        )
        if toks:
            out.append(Sentence(toks[0].start, toks[-1].end, toks))
    return out


def tokenize(text: str) -> list[Span]:
    """Non-space tokens of an arbitrary string (offsets into `text`)."""
    return [Span(t.idx, t.idx + len(t.text)) for t in _nlp().tokenizer(text) if not t.is_space]
