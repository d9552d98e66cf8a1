"""GUIDELINES.md teaches rules with invented examples: it quotes no document of the corpus.

Quoting the texts turns the guidelines into an answer key (the pilot round agreed at 1.000 by
copying), so any run of 12 words of any document's content lines found in the guidelines fails.
"""

from __future__ import annotations

import re

from tarifftalks.corpus import load_documents

from .conftest import REPO

RUN = 12
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def runs(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def test_runs_finds_a_shared_run_of_twelve_words():
    doc = "One two three four five six seven eight nine ten eleven twelve thirteen."
    guide = "As the text says: two three four five six seven eight nine ten eleven twelve thirteen"
    assert runs(words(doc)) & runs(words(guide))
    assert not runs(words(doc)) & runs(words(guide.replace("seven", "7x")))


def test_guidelines_quote_no_document():
    guide = runs(words((REPO / "annotation" / "GUIDELINES.md").read_text(encoding="utf-8")))
    quoted = {}
    for doc in load_documents(REPO):
        for run in runs(words(doc.text)) & guide:
            quoted.setdefault(doc.doc_id, " ".join(run))
    assert not quoted, f"GUIDELINES.md quotes documents: {quoted}"
