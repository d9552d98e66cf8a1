from tarifftalks.corpus import load_documents
from tarifftalks.text import Span, iter_lines, sentences, tokenize

from .conftest import REPO


def test_lines_strip_whitespace_and_skip_empty_lines():
    text = "a b\n\n  c\u00a0\n \u00a0\nlast"
    spans = iter_lines(text)
    assert [text[s.start : s.end] for s in spans] == ["a b", "c", "last"]


def test_us_does_not_end_a_sentence():
    text = "He visits the U.S. Commerce Department today. Then he left."
    got = [text[s.start : s.end] for s in sentences(text, Span(0, len(text)))]
    assert got == ["He visits the U.S. Commerce Department today.", "Then he left."]


def test_compounds_split_at_hyphens_between_names():
    text = "U.S.-Japan talks on the Rwanda\u2013Congo deal"
    assert [text[t.start : t.end] for t in tokenize(text)][:3] == ["U.S.", "-", "Japan"]
    assert "Rwanda" in [text[t.start : t.end] for t in tokenize(text)]


def test_seed_sentences_and_tokens_give_back_their_text():
    n_sent = 0
    for doc in load_documents(REPO):
        for line in iter_lines(doc.text):
            for sent in sentences(doc.text, line):
                n_sent += 1
                assert line.start <= sent.start < sent.end <= line.end
                for tok in sent.tokens:
                    piece = doc.text[tok.start : tok.end]
                    assert piece and not piece.isspace()
                # No sentence of the seeds ends right after an abbreviation such as U.S.
                assert not doc.text[sent.start : sent.end].endswith(("U.S.", "U.K."))
    assert n_sent > 100
