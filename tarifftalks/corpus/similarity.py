"""Near-duplicates: MinHash + LSH over word shingles (datasketch), and a paraphrase signal.

Shingle overlap finds copies and light edits in sub-linear time. It cannot see a rewrite in other
words (the seeds' 000 rewrites 001: word 5-gram Jaccard ≈ 0.01), so `paraphrase_score` aligns
sentences by their content words instead: each sentence of the shorter text is matched to its
best sentence of the other, and the score is the share that match well (000–001: 0.71; other
seed pairs, same story or not: ≤ 0.24). It is quadratic in sentences, so it only runs on a few
candidates (the documents of the stories an article may belong to).

Only prose lines count (long lines, or lines ending a sentence): the lists of unrelated
headlines a site appends would otherwise make two articles of one site look alike.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*", re.UNICODE)
# A sentence ends at . ! ? (or a closing quote after one) before a capital; a split after
# "U.S." or an initial ("J.") is undone by `split_sentences`.
_SENT_SPLIT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"(])")
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.[A-Z]\.|(?:^|\s)[A-Z]\.|\bM[rs]\.|\bDr\.|\bSt\.)$")
_POSSESSIVE = re.compile(r"[’']s$")
_PROSE_END = (".", "!", "?", "”", '"', ")", "’")
# scikit-learn's English list plus reporting verbs every news text uses.
STOP_WORDS = ENGLISH_STOP_WORDS | frozenset(
    "said says say told tell according reported reportedly sources source".split()
)
# Shingle hashes mix word hashes with these odd multipliers (mod 2^32): cheap and vectorised.
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint64)


@lru_cache(maxsize=16)
def prose_lines(text: str) -> tuple[str, ...]:
    """Lines that read as running text, not headlines, captions of lists or page furniture.
    (Cached: the shingles, the sentences and the lead of one text all start here.)"""
    out = []
    for line in text.splitlines():
        s = line.strip()
        n = len(s.split())
        if n >= 25 or (n >= 5 and s.endswith(_PROSE_END)):
            out.append(s)
    return tuple(out or [ln.strip() for ln in text.splitlines() if ln.strip()])


def split_sentences(line: str) -> list[str]:
    """The sentences of one line (rule-based: cheap enough for 100k documents)."""
    out: list[str] = []
    for piece in _SENT_SPLIT.split(line):
        if out and _ABBREV_END.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1 << 18)
def _word_hash(w: str) -> int:
    return zlib.crc32(w.encode("utf-8"))


def _identity(x: int) -> int:
    return int(x)


def shingle_hashes(text: str, n: int = 3) -> np.ndarray:
    """32-bit hashes of the word n-grams of the prose (deterministic: crc32, no salted hash())."""
    toks = words(" ".join(prose_lines(text)))
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter((_word_hash(w) for w in toks), dtype=np.uint64, count=len(toks))
    if len(h) < n:
        n = len(h)
    acc = np.zeros(len(h) - n + 1, dtype=np.uint64)
    for i in range(n):
        acc = (acc + h[i : len(h) - n + 1 + i] * _MIX[i]) & np.uint64(0xFFFFFFFF)
    return np.unique(acc)


@dataclass(frozen=True)
class Match:
    key: str
    jaccard: float  # the MinHash estimate of the shingle-set Jaccard similarity


class ShingleIndex:
    """A MinHash LSH index of documents' word shingles. `sketch(text)` makes a signature;
    `insert(key, sketch)` adds it; `query(sketch)` returns the indexed keys whose estimated
    Jaccard similarity reaches `threshold`, best first (ties by key)."""

    def __init__(self, threshold: float = 0.5, num_perm: int = 128, ngram: int = 3) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.ngram = ngram
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sketches: dict[str, LeanMinHash] = {}
        self._template = MinHash(num_perm=num_perm, seed=1, hashfunc=_identity)

    def sketch(self, text: str) -> LeanMinHash:
        m = MinHash(
            num_perm=self.num_perm,
            seed=1,
            hashfunc=_identity,
            permutations=self._template.permutations,
            scheme=self._template.scheme,
        )
        m.update_batch(shingle_hashes(text, self.ngram).tolist())
        return LeanMinHash(m)

    def insert(self, key: str, sketch: LeanMinHash) -> None:
        if key in self._sketches:
            raise ValueError(f"{key} is already indexed")
        self._lsh.insert(key, sketch)
        self._sketches[key] = sketch

    def query(self, sketch: LeanMinHash) -> list[Match]:
        found = []
        for key in self._lsh.query(sketch):
            j = float(sketch.jaccard(self._sketches[key]))
            if j >= self.threshold:
                found.append(Match(str(key), round(j, 4)))
        return sorted(found, key=lambda m: (-m.jaccard, m.key))

    def __contains__(self, key: str) -> bool:
        return key in self._sketches

    def __len__(self) -> int:
        return len(self._sketches)


def _stem(w: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def content_words(text: str) -> frozenset[int]:
    """Crudely stemmed words that carry content (no stop words, no one- or two-letter words),
    as 32-bit hashes: compact to keep and to intersect."""
    return frozenset(h for h in map(_content_hash, words(text)) if h)


@lru_cache(maxsize=1 << 18)
def _content_hash(w: str) -> int:
    """The hash of a word's stem, or 0 for a word that carries no content."""
    w = _POSSESSIVE.sub("", w)
    if w in STOP_WORDS or (len(w) <= 2 and not w.isdigit()):
        return 0
    return _word_hash(_stem(w)) or 1


def sentence_sets(text: str) -> list[frozenset[int]]:
    """Content-word sets of the prose's sentences (those of five words or more)."""
    out = []
    for line in prose_lines(text):
        for sent in split_sentences(line):
            if len(sent.split()) >= 5:
                cw = content_words(sent)
                if cw:
                    out.append(cw)
    return out


PARAPHRASE_THRESHOLD = 0.3
MIN_ALIGNED = 3  # sentences: one or two shared sentences make a quote, not a rewrite
_ALIGNED = 0.5  # a sentence pair matches when half of the smaller one's content words recur


def _aligned(a: list[frozenset[int]], b: list[frozenset[int]], needed: int) -> int:
    """How many sentences of `a` have a match in `b`; stops once `needed` is out of reach.
    (The inner loop is the ingest's hottest: no function calls in it.)"""
    hits, n = 0, len(a)
    sized = [(t, len(t)) for t in b]
    for i, s in enumerate(a):
        if hits + n - i < needed:
            break
        ls = len(s)
        for t, lt in sized:
            if len(s & t) >= _ALIGNED * (ls if ls < lt else lt):
                hits += 1
                break
    return hits


def paraphrase_score(a: Iterable[frozenset[int]], b: Iterable[frozenset[int]]) -> float:
    """How much each text retells the other: the smaller, over both directions, share of one
    text's sentences that have a matching sentence in the other (a pair matches when `_ALIGNED`
    of the smaller sentence's content words recur in the larger). 0 when it falls short of
    `PARAPHRASE_THRESHOLD` or of `MIN_ALIGNED` sentences (the count then stops early).
    000–001: 0.36; every other seed pair: 0."""
    sa, sb = list(a), list(b)
    if not sa or not sb:
        return 0.0
    need_a = max(MIN_ALIGNED, math.ceil(PARAPHRASE_THRESHOLD * len(sa)))
    hits_a = _aligned(sa, sb, need_a)
    if hits_a < need_a:
        return 0.0
    need_b = max(MIN_ALIGNED, math.ceil(PARAPHRASE_THRESHOLD * len(sb)))
    hits_b = _aligned(sb, sa, need_b)
    if hits_b < need_b:
        return 0.0
    return round(min(hits_a / len(sa), hits_b / len(sb)), 4)
