"""A boilerplate line classifier that transfers to layouts it never saw.

Every feature is something a line carries on any site: its shape (length, word count, stopword
density, punctuation: jusText's signals), its case and digits, how much it shares the topic of the
document's long paragraphs, where it sits relative to that article block, its neighbours, and
whether it repeats a line of another training page of the same site (a template). No feature is a
word of the training files: the only words are a short fixed list of generic web-page cues.

On top of the learned model, a few high-precision rules from the annotation guidelines' cues
(§2.1: "By …" bylines, "(Reporting by …)" credits, date-only stamps, URLs and id strings, the
outlet's own name) assign labels that a small training set may never have shown.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .data import Doc

Features = dict[str, Any]

# The feature groups, each switchable for the ablation; "rules" is the override layer.
LINE_GROUPS: tuple[str, ...] = (
    "shape",
    "stopwords",
    "punct",
    "case",
    "digits",
    "cues",
    "topic",
    "zone",
    "context",
    "template",
    "rules",
)

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DATE_WORDS = frozenset(
    _MONTHS
    + "monday tuesday wednesday thursday friday saturday sunday at am pm a.m. p.m. updated "
    "published posted last gmt utc jst et est edt bst cet pt pst pdt on".split()
)
# Generic page-furniture vocabulary (any English news site), never words of the corpus files.
_CUES: dict[str, tuple[str, ...]] = {
    "social": ("share", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "email", "print"),
    "subscribe": ("subscribe", "newsletter", "sign", "app", "download", "follow", "register"),
    "more": ("read", "more", "related", "recommended", "popular", "trending", "latest", "see"),
    "photo": ("photo", "photograph", "image", "picture", "file", "getty", "afp", "ap", "epa"),
    "legal": ("copyright", "rights", "reserved", "privacy", "cookies", "terms", "contact"),
    "ad": ("advertisement", "sponsored", "ad", "promoted", "partner"),
    "credit": ("reporting", "editing", "writing", "compiled", "contributed", "edited"),
    "author": ("by", "correspondent", "reporter", "editor", "staff", "writer"),
}
_CUE_OF = {w: k for k, ws in sorted(_CUES.items()) for w in ws}


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _content_words(s: str) -> set[str]:
    """Stems (first five letters) of the words that are not stopwords: "negotiators" and
    "negotiations" share a topic."""
    return {w.lower()[:5] for w in _words(s) if len(w) > 2 and w.lower() not in ENGLISH_STOP_WORDS}


def _bin(x: float, edges: Sequence[float]) -> int:
    return sum(x >= e for e in edges)


def normalise(s: str) -> str:
    """A line's template key: case, digits and spacing do not matter."""
    return re.sub(r"\s+", " ", re.sub(r"\d", "0", s.lower())).strip()


# --- per-line shape --------------------------------------------------------------------------


def _line_stats(s: str) -> dict[str, Any]:
    words = _words(s)
    lw = [w.lower() for w in words]
    n = len(words)
    caps = [w for w in words if w[:1].isupper()]
    # Title case: the words that are not stopwords are capitalised (headlines, names).
    non_stop = [w for w in words if w.lower() not in ENGLISH_STOP_WORDS]
    stripped = s.rstrip("”’\"') ")
    return {
        "n_chars": len(s),
        "n_words": n,
        "stop": sum(w in ENGLISH_STOP_WORDS for w in lw) / max(n, 1),
        "punct": sum(not ch.isalnum() and not ch.isspace() for ch in s) / max(len(s), 1),
        "terminal": stripped[-1:] if stripped[-1:] in (".", "!", "?", ":", ";", ",") else "none",
        "n_sent": len(re.findall(r"[.!?][”\"’)]?\s+[“\"‘(]?[A-Z]", s)) + 1,
        "commas": s.count(","),
        "quote": s[:1] in "“\"‘'",
        "paren": s.startswith("(") and s.rstrip().endswith(")"),
        "bullet": s[:1] in "-•*–—|>·",
        "title_case": sum(w[:1].isupper() for w in non_stop) / max(len(non_stop), 1),
        "cap_ratio": len(caps) / max(n, 1),
        "upper": s.isupper(),
        "digits": sum(ch.isdigit() for ch in s) / max(len(s), 1),
        "month": any(w in _MONTHS for w in lw),
        "year": bool(re.search(r"\b(19|20)\d\d\b", s)),
        "clock": bool(re.search(r"\b\d{1,2}[:.]\d\d\b", s)),
        "date_share": sum(w in _DATE_WORDS or w.isdigit() for w in lw) / max(n, 1),
        "long_token": max((len(t) for t in s.split()), default=0) > 25,
        "url": bool(re.search(r"https?://|www\.|\.(com|org|net|html?)\b", s.lower())),
        "cues": sorted({_CUE_OF[w] for w in lw if w in _CUE_OF}),
        "first_cue": _CUE_OF.get(lw[0], "") if lw else "",
        "long": n >= 20 and stripped[-1:] in (".", "!", "?"),
    }


# --- guideline rules (high precision, generic) -----------------------------------------------

_CREDIT = re.compile(
    r"^\(?\s*(additional\s+)?(reporting|writing|editing|edited|compiled|written)\s+by\b", re.I
)
_BYLINE = re.compile(r"^(by|written by)\s+[A-Z][\w.’'-]+", re.I)
_NAMES_IN_PARENS = re.compile(r"\((?:photo[^)]*|[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){1,3})\)$")
_CALL_TO_ACTION = re.compile(
    r"^(share|tweet|email|print|subscribe|sign up|follow us|download|advertisement|"
    r"copyright|©|all rights reserved)\b",
    re.I,
)


def rule_label(doc: Doc, i: int, st: dict[str, Any]) -> str | None:
    """The label a guideline cue gives line i, or None (then the learned model decides)."""
    s = doc.text[doc.lines[i]["start"] : doc.lines[i]["end"]]
    if (st["long_token"] or st["url"]) and len(s.split()) <= 3:
        return "artifact"
    if _CREDIT.match(s):
        return "credit"
    if _BYLINE.match(s) and st["n_words"] <= 12 and st["terminal"] != ".":
        return "byline"
    if (st["month"] or st["year"] or st["clock"]) and st["n_words"] <= 12:
        if st["date_share"] >= 0.6:
            return "dateline"
    if doc.outlet and normalise(s) == normalise(doc.outlet):
        return "masthead"
    if doc.title and normalise(s) == normalise(doc.title):
        return "title"
    if st["n_words"] <= 12 and _CALL_TO_ACTION.match(s):
        return "promo"
    if _NAMES_IN_PARENS.search(s.rstrip()) and not st["paren"] and st["n_words"] <= 60:
        return "caption"
    return None


# --- templates --------------------------------------------------------------------------------


class Templates:
    """Lines that repeat across training pages of one site, with the labels they had there."""

    def __init__(self, docs: Iterable[Doc] = ()) -> None:
        self.seen: dict[tuple[str, str], dict[str, Counter]] = defaultdict(dict)
        for d in docs:
            for ln in d.lines:
                key = (d.site, normalise(d.text[ln["start"] : ln["end"]]))
                self.seen[key].setdefault(d.doc_id, Counter())[ln["label"]] += 1

    def features(self, doc: Doc, s: str) -> Features:
        by_doc = self.seen.get((doc.site, normalise(s)), {})
        # A training page never counts as its own template: only the other pages do.
        labels: Counter = Counter()
        for other, c in sorted(by_doc.items()):
            if other != doc.doc_id:
                labels.update(c)
        if not labels:
            return {}
        top = min(labels, key=lambda k: (-labels[k], k))
        return {"tmpl": 1.0, "tmpl=" + ("content" if top in ("title", "body") else "boiler"): 1.0}


# --- features of a whole document -------------------------------------------------------------


def doc_line_features(
    doc: Doc, groups: frozenset[str] = frozenset(LINE_GROUPS), templates: Templates | None = None
) -> tuple[list[Features], list[str | None]]:
    """Feature dicts of every line of `doc`, and the rule labels (None where no rule fires)."""
    texts = [doc.text[ln["start"] : ln["end"]] for ln in doc.lines]
    stats = [_line_stats(s) for s in texts]
    n = len(texts)
    words = [_content_words(s) for s in texts]
    core = [i for i in range(n) if stats[i]["long"]]
    # Topic words: content words of the long paragraphs, with the number of paragraphs using them.
    topic_count: Counter = Counter(w for i in core for w in words[i])
    title_words = _content_words(doc.title) if doc.title else set()
    first_core, last_core = (core[0], core[-1]) if core else (n, -1)

    def base(i: int) -> Features:
        st = stats[i]
        f: Features = {}
        if "shape" in groups:
            f["len_bin"] = _bin(st["n_chars"], (20, 40, 80, 160, 320)) / 5
            f[f"words={_bin(st['n_words'], (2, 4, 8, 13, 20, 35))}"] = 1.0
            f["long_token"] = st["long_token"]
            f["url"] = st["url"]
        if "stopwords" in groups:
            f["stop"] = st["stop"]
            f[f"stop_bin={_bin(st['stop'], (0.1, 0.2, 0.3, 0.4))}"] = 1.0
        if "punct" in groups:
            f["terminal=" + st["terminal"]] = 1.0
            f["n_sent"] = min(st["n_sent"], 5) / 5
            f["commas"] = min(st["commas"], 5) / 5
            f["punct"] = min(st["punct"] * 5, 1.0)
            f["quote"] = st["quote"]
            f["paren"] = st["paren"]
            f["bullet"] = st["bullet"]
        if "case" in groups:
            f["title_case"] = st["title_case"]
            f["cap_ratio"] = st["cap_ratio"]
            f["upper"] = st["upper"]
        if "digits" in groups:
            f["digits"] = min(st["digits"] * 5, 1.0)
            f["date_share"] = st["date_share"]
            f["month"] = st["month"]
            f["clock"] = st["clock"]
        if "cues" in groups:
            for c in st["cues"]:
                f["cue=" + c] = 1.0
            if st["first_cue"]:
                f["first_cue=" + st["first_cue"]] = 1.0
        return {k: v for k, v in f.items() if v}

    def share(i: int) -> float:
        # How much of the line is the article's topic (the long paragraphs, itself excluded).
        if not words[i]:
            return 0.0
        own = Counter(words[i]) if i in core else Counter()
        return sum(topic_count[w] - own[w] >= 1 for w in words[i]) / len(words[i])

    shares = [share(i) for i in range(n)]
    # Relative to the long paragraphs' own median: short articles share fewer words.
    core_shares = sorted(shares[i] for i in core)
    typical = core_shares[len(core_shares) // 2] if core_shares else 0.0

    def topic(i: int) -> Features:
        if "topic" not in groups or not words[i]:
            return {}
        rel = min(shares[i] / typical, 1.5) if typical else 0.0
        f: Features = {"topic": shares[i], "topic_rel": rel}
        f[f"topic_rel_bin={_bin(rel, (0.25, 0.5, 0.75))}"] = 1.0
        if title_words:
            f["title_sim"] = len(words[i] & title_words) / len(words[i] | title_words)
        return f

    def zone(i: int) -> Features:
        if "zone" not in groups:
            return {}
        # Where the line sits relative to the article block, not its absolute position.
        if not core:
            where = "nocore"
        elif i < first_core:
            where = "above"
        elif i > last_core:
            where = "below"
        else:
            where = "inside"
        f: Features = {"zone=" + where: 1.0}
        if i == 0:
            f["first_line"] = 1.0
        if where == "above":
            f["above_dist"] = min(first_core - i, 4) / 4
        if where == "below":
            f["below_dist"] = min(i - last_core, 4) / 4
        return f

    own = [base(i) for i in range(n)]
    feats = []
    for i in range(n):
        f = {"bias": 1.0, **own[i], **topic(i), **zone(i)}
        if "context" in groups:
            for d in (-2, -1, 1, 2):
                j = i + d
                if not 0 <= j < n:
                    f[f"nb{d}=none"] = 1.0
                    continue
                st = stats[j]
                f[f"nb{d}_long"] = st["long"]
                f[f"nb{d}_terminal=" + st["terminal"]] = 1.0
                f[f"nb{d}_title_case"] = st["title_case"]
                f[f"nb{d}_words"] = _bin(st["n_words"], (4, 8, 13, 20)) / 4
            # Lists come in runs of lines of one shape (short, no final stop).
            shape = [(not s["long"], s["terminal"]) for s in stats]
            run = 1
            for step in (-1, 1):
                j = i + step
                while 0 <= j < n and shape[j] == shape[i]:
                    run += 1
                    j += step
            f["run"] = min(run, 6) / 6
        if "template" in groups and templates is not None:
            f.update(templates.features(doc, texts[i]))
        feats.append({k: v for k, v in f.items() if v})
    rules: list[str | None] = [None] * n
    if "rules" in groups:
        rules = [rule_label(doc, i, stats[i]) for i in range(n)]
    return feats, rules


# --- the models -------------------------------------------------------------------------------


class _LineModel:
    """Shared by the line models: the model's label for each line, unless a rule fires."""

    groups: frozenset[str]
    templates_: Templates

    def _labels(self, X: list[Features]) -> list[str]:
        raise NotImplementedError

    def predict(self, docs: Sequence[Doc]) -> list[list[str]]:
        out = []
        for d in docs:
            X, rules = doc_line_features(d, self.groups, self.templates_)
            out.append([r or lab for r, lab in zip(rules, self._labels(X), strict=True)])
        return out


class LineClassifier(_LineModel):
    """Logistic regression over the line features, with the guideline rules on top.

    `c` is chosen inside the training documents (`fit` with `tune=True`): story-grouped inner
    cross-validation over the training pages only.
    """

    C_GRID: tuple[float, ...] = (0.1, 1.0, 10.0)

    def __init__(self, c: float | None = None, groups: Iterable[str] = LINE_GROUPS) -> None:
        self.c = c
        self.groups = frozenset(groups)

    def _xy(self, docs: Sequence[Doc]) -> tuple[list[Features], list[str]]:
        X: list[Features] = []
        y: list[str] = []
        for d in docs:
            X += doc_line_features(d, self.groups, self.templates_)[0]
            y += [ln["label"] for ln in d.lines]
        return X, y

    def fit(self, docs: Sequence[Doc]) -> LineClassifier:
        from .models import DictClassifier
        from .tuning import pooled_accuracy, tuned

        docs = list(docs)
        make = lambda c: LineClassifier(c, self.groups)  # noqa: E731
        self.c_ = tuned(self.c, docs, self.C_GRID, make, line_counts, pooled_accuracy)
        self.templates_ = Templates(docs)
        X, y = self._xy(docs)
        # Unweighted classes: balancing would blow up labels seen on one page of one site.
        self.clf_ = DictClassifier(self.c_, class_weight=None).fit(X, y)
        return self

    def _labels(self, X: list[Features]) -> list[str]:
        return self.clf_.predict(X)


class LineCRF(_LineModel):
    """A linear-chain CRF over the lines of a page (python-crfsuite), same features and rules:
    the label sequence itself (a caption under a dateline, a run of related headlines) is
    learned."""

    def __init__(self, c2: float = 0.1, groups: Iterable[str] = LINE_GROUPS) -> None:
        self.c2 = c2
        self.groups = frozenset(groups)

    def fit(self, docs: Sequence[Doc]) -> LineCRF:
        from .crf import CRF

        self.templates_ = Templates(docs)
        seqs = [
            (doc_line_features(d, self.groups, self.templates_)[0], [ln["label"] for ln in d.lines])
            for d in docs
        ]
        self.crf_ = CRF(c1=0.0, c2=self.c2, max_iterations=100).fit(seqs)
        return self

    def _labels(self, X: list[Features]) -> list[str]:
        return self.crf_.predict(X, default="body")


def count_lines(test: Sequence[Doc], pred: Sequence[Sequence[str]]) -> tuple[int, int, int]:
    """(correct lines, lines, lines) of predicted labels against the test documents' gold."""
    hits = n = 0
    for d, labels in zip(test, pred, strict=True):
        hits += sum(p == ln["label"] for p, ln in zip(labels, d.lines, strict=True))
        n += len(d.lines)
    return hits, n, n


def line_counts(model: Any, train: Sequence[Doc], test: Sequence[Doc]) -> tuple[int, int, int]:
    """`count_lines` of `model` fitted on `train`, on `test`."""
    return count_lines(test, model.fit(train).predict(test))
