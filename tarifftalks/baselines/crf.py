"""Sequence models with python-crfsuite (used directly: no scikit-learn meta-estimator around it).

`CRF` is a thin linear-chain CRF (L-BFGS, deterministic) trained in a temporary directory and
held in memory; nothing is written next to the data or shipped. `token_features` is shared by the
CRF span tagger and the logistic-regression reference tagger (models.SpanTagger), so the two differ
by the model only.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .data import Doc

Features = dict[str, Any]

# Feature groups of the token taggers (entities and triggers), switchable for the ablation.
TOKEN_GROUPS: tuple[str, ...] = ("word", "lemma", "shape", "affix", "context", "gazetteer")


class CRF:
    """Linear-chain CRF over sequences of feature dicts (name -> number; False/0 dropped)."""

    def __init__(self, c1: float = 0.0, c2: float = 0.1, max_iterations: int = 100) -> None:
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations

    @staticmethod
    def _items(xseq: Sequence[Features]) -> list[dict[str, float]]:
        return [{k: float(v) for k, v in x.items() if v} for x in xseq]

    def fit(self, seqs: Iterable[tuple[Sequence[Features], Sequence[str]]]) -> CRF:
        import pycrfsuite

        trainer = pycrfsuite.Trainer(verbose=False)
        n = 0
        for xseq, yseq in seqs:
            if len(xseq):
                trainer.append(self._items(xseq), list(yseq))
                n += 1
        self.labels_: list[str] = []
        self.tagger_ = None
        if n == 0:
            return self
        trainer.set_params(
            {
                "c1": self.c1,
                "c2": self.c2,
                "max_iterations": self.max_iterations,
                "feature.possible_transitions": True,
            }
        )
        with tempfile.TemporaryDirectory(prefix="tt-crf-") as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            model = path.read_bytes()
        # The tagger reads the model from this buffer without owning it: keep it alive.
        self.model_ = model
        self.tagger_ = pycrfsuite.Tagger()
        self.tagger_.open_inmemory(self.model_)
        self.labels_ = sorted(self.tagger_.labels())
        return self

    def predict(self, xseq: Sequence[Features], default: str = "O") -> list[str]:
        if not len(xseq):
            return []
        if self.tagger_ is None:
            return [default] * len(xseq)
        return list(self.tagger_.tag(self._items(xseq)))


# --- token features ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """English lemma from simplemma's tables (no model download); lower case."""
    import simplemma

    if not word.strip():
        return word
    return simplemma.lemmatize(word.lower(), lang="en").lower()


def shape(w: str) -> str:
    s = re.sub(r"[A-Z]", "X", w)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"[0-9]", "d", s)
    return re.sub(r"(.)\1+", r"\1\1", s)


class Gazetteer:
    """Token-sequence matcher: phrase -> label, longest match first, marks tokens B-/I-label."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        from ..text import tokenize

        counts: dict[tuple[str, ...], Counter] = {}
        for phrase, label in entries:
            toks = tuple(phrase[t.start : t.end] for t in tokenize(phrase))
            if toks:
                counts.setdefault(toks, Counter())[label] += 1
        self.entries = {k: min(c, key=lambda x: (-c[x], x)) for k, c in sorted(counts.items())}
        self.max_len = max((len(k) for k in self.entries), default=0)

    def tag(self, words: Sequence[str]) -> list[str]:
        tags = ["O"] * len(words)
        i = 0
        while i < len(words):
            for n in range(min(self.max_len, len(words) - i), 0, -1):
                label = self.entries.get(tuple(words[i : i + n]))
                if label is not None:
                    tags[i] = "B-" + label
                    for k in range(i + 1, i + n):
                        tags[k] = "I-" + label
                    i += n
                    break
            else:
                i += 1
        return tags


def sentence_features(
    words: Sequence[str],
    groups: frozenset[str] = frozenset(TOKEN_GROUPS),
    gaz: dict[str, list[str]] | None = None,
) -> list[Features]:
    """Features of every token of a sentence. `gaz`: name -> per-token B-/I- tags of a
    gazetteer-like resource (the KB aliases, the training lexicon, trigger lemmas)."""
    n = len(words)
    lower = [w.lower() for w in words]
    lem = [lemma(w) for w in words] if "lemma" in groups or "context" in groups else lower
    shapes = [shape(w) for w in words]
    out = []
    for i, w in enumerate(words):
        f: Features = {"bias": 1.0}
        if "word" in groups:
            f["w=" + lower[i]] = 1.0
        if "lemma" in groups:
            f["lem=" + lem[i]] = 1.0
        if "shape" in groups:
            f["shape=" + shapes[i]] = 1.0
            f["title"] = w[:1].isupper()
            f["upper"] = w.isupper() and len(w) > 1
            f["digit"] = any(ch.isdigit() for ch in w)
            f["punct"] = not any(ch.isalnum() for ch in w)
            f["sent_first"] = i == 0
            f["hyphen"] = "-" in w
        if "affix" in groups:
            for k in (1, 2, 3, 4):
                if len(w) > k:
                    f[f"suf{k}=" + lower[i][-k:]] = 1.0
                    f[f"pre{k}=" + lower[i][:k]] = 1.0
        if "context" in groups:
            for d in (-2, -1, 1, 2):
                j = i + d
                v = lem[j] if 0 <= j < n else ("<s>" if j < 0 else "</s>")
                f[f"w{d:+d}={v}"] = 1.0
                if abs(d) == 1:
                    f[f"shape{d:+d}=" + (shapes[j] if 0 <= j < n else "<pad>")] = 1.0
            if 0 < i and i + 1 < n:
                f[f"w-1w+1={lem[i - 1]}|{lem[i + 1]}"] = 1.0
        if "gazetteer" in groups and gaz:
            for name, tags in sorted(gaz.items()):
                if tags[i] != "O":
                    f[f"{name}={tags[i]}"] = 1.0
                    f[f"{name}_any"] = 1.0
        out.append(f)
    return out


def gold_spans(doc: Doc, target: str) -> list[tuple[int, int, str]]:
    if target == "entities":
        return [(m["start"], m["end"], m["type"]) for m in doc.entities]
    return [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc.events]


class Resources:
    """Gazetteers a tagger may use, built from training documents only: for entities the KB
    aliases of their mentions and the lexicon of their mention strings; for triggers the lemmas
    of their triggers. A training document is featurised with the resources of the *other*
    training documents, so the model learns how far they can be trusted on unseen text."""

    def __init__(self, docs: Sequence[Doc], target: str) -> None:
        self.target = target
        self.docs = list(docs)
        self._all = self._build(self.docs)
        self._without: dict[str, dict[str, Gazetteer]] = {}

    def _build(self, docs: Sequence[Doc]) -> dict[str, Gazetteer]:
        if self.target == "entities":
            return {
                "kb": Gazetteer(e for d in docs for e in d.gazetteer),
                "lex": Gazetteer(
                    (d.text[s:e], t) for d in docs for s, e, t in gold_spans(d, "entities")
                ),
            }
        return {
            "trig": Gazetteer(
                (lemma(d.text[s:e]), t) for d in docs for s, e, t in gold_spans(d, "events")
            )
        }

    def for_doc(self, doc: Doc) -> dict[str, Gazetteer]:
        if not any(d.doc_id == doc.doc_id for d in self.docs):
            return self._all
        if doc.doc_id not in self._without:
            self._without[doc.doc_id] = self._build(
                [d for d in self.docs if d.doc_id != doc.doc_id]
            )
        return self._without[doc.doc_id]

    def tags(self, doc: Doc, words: Sequence[str]) -> dict[str, list[str]]:
        out = {}
        for name, g in self.for_doc(doc).items():
            out[name] = g.tag([lemma(w) for w in words] if name == "trig" else list(words))
        return out


def doc_sentence_features(
    doc: Doc, groups: frozenset[str], res: Resources | None
) -> list[list[Features]]:
    out = []
    for _, _, toks in doc.sentences:
        words = [doc.text[s:e] for s, e in toks]
        gaz = res.tags(doc, words) if res is not None else None
        out.append(sentence_features(words, groups, gaz))
    return out


class CRFTagger:
    """BIO span tagger (entities, or triggers with their event type) with a linear-chain CRF."""

    C2_GRID: tuple[float, ...] = (0.03, 0.1, 0.3)

    def __init__(
        self,
        target: str = "entities",
        c2: float | None = 0.1,
        groups: Iterable[str] = TOKEN_GROUPS,
        max_iterations: int = 100,
    ) -> None:
        self.target = target
        self.c2 = c2
        self.groups = frozenset(groups)
        self.max_iterations = max_iterations

    def fit(self, docs: Sequence[Doc]) -> CRFTagger:
        from .models import bio_labels
        from .tuning import pooled_f1, tuned

        docs = list(docs)
        make = lambda c2: CRFTagger(self.target, c2, self.groups, self.max_iterations)  # noqa: E731
        self.c2_ = tuned(self.c2, docs, self.C2_GRID, make, span_counts, pooled_f1)
        self.res_ = Resources(docs, self.target)
        seqs = []
        for d in docs:
            spans = gold_spans(d, self.target)
            for (_, _, toks), X in zip(
                d.sentences, doc_sentence_features(d, self.groups, self.res_), strict=True
            ):
                seqs.append((X, bio_labels(toks, spans)))
        self.crf_ = CRF(c2=self.c2_, max_iterations=self.max_iterations).fit(seqs)
        return self

    def predict(self, docs: Sequence[Doc]) -> list[list[tuple[int, int, str]]]:
        from .models import bio_spans

        out = []
        for d in docs:
            spans: list[tuple[int, int, str]] = []
            for (_, _, toks), X in zip(
                d.sentences, doc_sentence_features(d, self.groups, self.res_), strict=True
            ):
                spans += bio_spans(toks, self.crf_.predict(X))
            out.append(spans)
        return out


def count_spans(
    test: Sequence[Doc], pred: Sequence[Sequence[tuple[int, int, str]]], target: str
) -> tuple[int, int, int]:
    """(true positives, predicted, gold) strict spans of `target` against the test gold."""
    tp = n_pred = n_gold = 0
    for d, ps in zip(test, pred, strict=True):
        gold, found = set(gold_spans(d, target)), set(ps)
        tp, n_pred, n_gold = tp + len(gold & found), n_pred + len(found), n_gold + len(gold)
    return tp, n_pred, n_gold


def span_counts(model: Any, train: Sequence[Doc], test: Sequence[Doc]) -> tuple[int, int, int]:
    """`count_spans` of a span tagger (with a `target`) fitted on `train`, on `test`."""
    return count_spans(test, model.fit(train).predict(test), model.target)
