"""scikit-learn baselines with the estimator API (`fit` / `predict`), one per sub-task.

Every learned model is a `Pipeline(DictVectorizer, LogisticRegression)` over hand-made feature
dicts: small, deterministic (lbfgs, no random state involved) and fast on 2 cores. A model whose
training data has a single class predicts that class (LogisticRegression cannot fit one class).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .. import schema
from .data import Doc

Features = dict[str, Any]


def linear_model(c: float = 1.0) -> Pipeline:
    return Pipeline(
        [
            ("vec", DictVectorizer(sort=True)),
            ("clf", LogisticRegression(C=c, max_iter=2000, class_weight="balanced")),
        ]
    )


class DictClassifier(BaseEstimator, ClassifierMixin):
    """Feature dicts → labels; falls back to a constant when training has one class."""

    def __init__(self, c: float = 1.0) -> None:
        self.c = c

    def fit(self, X: list[Features], y: list[str]) -> DictClassifier:
        self.classes_ = sorted(set(y))
        self.constant_ = self.classes_[0] if len(self.classes_) == 1 else None
        if len(self.classes_) == 0:
            self.constant_ = "O"
        if self.constant_ is None:
            self.model_ = linear_model(self.c).fit(X, y)
        return self

    def predict(self, X: list[Features]) -> list[str]:
        if not X:
            return []
        if self.constant_ is not None:
            return [self.constant_] * len(X)
        return list(self.model_.predict(X))

    def predict_allowed(self, X: list[Features], allowed: list[set[str]]) -> list[str | None]:
        """The most probable label among each row's allowed ones (None when none was seen)."""
        if not X:
            return []
        if self.constant_ is not None:
            return [self.constant_ if self.constant_ in ok else None for ok in allowed]
        proba = self.model_.predict_proba(X)
        classes = list(self.model_.classes_)
        out: list[str | None] = []
        for row, ok in zip(proba, allowed, strict=True):
            ranked = sorted((-p, c) for p, c in zip(row, classes, strict=True) if c in ok)
            out.append(ranked[0][1] if ranked else None)
        return out


# --- boilerplate lines ---------------------------------------------------------------------


def line_features(doc: Doc, i: int) -> Features:
    ln = doc.lines[i]
    s = doc.text[ln["start"] : ln["end"]]
    words = s.split()
    n = len(doc.lines)
    caps = sum(w[:1].isupper() for w in words)
    f: Features = {
        "bias": 1.0,
        "rel_pos": i / max(n - 1, 1),
        "first": i == 0,
        "last": i == n - 1,
        "log_len": len(s).bit_length(),
        "n_words": min(len(words), 60) / 60,
        "cap_ratio": caps / max(len(words), 1),
        "ends_period": s.rstrip().endswith((".", ".”", '."', "”")),
        "has_digit": any(ch.isdigit() for ch in s),
        "starts_by": s.startswith("By "),
        "parenthesised": s.startswith("(") and s.endswith(")"),
        "all_caps": s.isupper(),
        "no_space_run": max((len(w) for w in words), default=0) > 25,
        "n_sentences": min(len(re.findall(r"[.!?][”\"]?\s", s + " ")), 5),
    }
    for w in words[:3]:
        f[f"w={w.lower()}"] = 1.0
    # Position relative to the neighbours' shapes: headline lists come in runs.
    for d in (-1, 1):
        j = i + d
        if 0 <= j < n:
            t = doc.text[doc.lines[j]["start"] : doc.lines[j]["end"]]
            f[f"nb{d}_ends_period"] = t.rstrip().endswith((".", "”"))
            f[f"nb{d}_log_len"] = len(t).bit_length()
    return f


class LineClassifier(BaseEstimator, ClassifierMixin):
    def __init__(self, c: float = 1.0) -> None:
        self.c = c

    def fit(self, docs: list[Doc]) -> LineClassifier:
        X = [line_features(d, i) for d in docs for i in range(len(d.lines))]
        y = [ln["label"] for d in docs for ln in d.lines]
        self.clf_ = DictClassifier(self.c).fit(X, y)
        return self

    def predict(self, docs: list[Doc]) -> list[list[str]]:
        return [self.clf_.predict([line_features(d, i) for i in range(len(d.lines))]) for d in docs]


class MajorityLines(BaseEstimator, ClassifierMixin):
    def fit(self, docs: list[Doc]) -> MajorityLines:
        counts = Counter(ln["label"] for d in docs for ln in d.lines)
        self.label_ = min(counts, key=lambda k: (-counts[k], k)) if counts else "body"
        return self

    def predict(self, docs: list[Doc]) -> list[list[str]]:
        return [[self.label_] * len(d.lines) for d in docs]


class JusTextLines(BaseEstimator, ClassifierMixin):
    """jusText's paragraph classifier, each line one paragraph: good → body, else `related`
    (the commonest boilerplate label); no training."""

    def fit(self, docs: list[Doc]) -> JusTextLines:
        return self

    def predict(self, docs: list[Doc]) -> list[list[str]]:
        import html

        import justext

        stop = justext.get_stoplist("English")
        out = []
        for d in docs:
            page = "".join(
                f"<p>{html.escape(d.text[ln['start'] : ln['end']])}</p>" for ln in d.lines
            )
            paras = justext.justext(f"<html><body>{page}</body></html>", stop)
            labels = ["body" if not p.is_boilerplate else "related" for p in paras]
            # jusText may merge or drop paragraphs; pad so every line has a label.
            out.append((labels + ["related"] * len(d.lines))[: len(d.lines)])
        return out


# --- token taggers (entities, triggers) ------------------------------------------------------


def _shape(w: str) -> str:
    s = re.sub(r"[A-Z]", "X", w)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"[0-9]", "d", s)
    return re.sub(r"(.)\1+", r"\1\1", s)


def token_features(text: str, toks: list[tuple[int, int]], i: int) -> Features:
    w = text[toks[i][0] : toks[i][1]]
    f: Features = {
        "bias": 1.0,
        "w=" + w.lower(): 1.0,
        "shape=" + _shape(w): 1.0,
        "suf3=" + w[-3:].lower(): 1.0,
        "pre3=" + w[:3].lower(): 1.0,
        "title": w[:1].isupper(),
        "first": i == 0,
    }
    for d in (-2, -1, 1, 2):
        j = i + d
        v = text[toks[j][0] : toks[j][1]].lower() if 0 <= j < len(toks) else "<pad>"
        f[f"w{d:+d}={v}"] = 1.0
    return f


def bio_labels(toks: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * len(toks)
    starts = {t[0]: i for i, t in enumerate(toks)}
    ends = {t[1]: i for i, t in enumerate(toks)}
    for s, e, label in spans:
        if s in starts and e in ends:
            tags[starts[s]] = f"B-{label}"
            for k in range(starts[s] + 1, ends[e] + 1):
                tags[k] = f"I-{label}"
    return tags


def bio_spans(toks: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans from IOB2 tags; an I- that does not continue its type starts a new span."""
    spans: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    for (s, e), tag in zip(toks, tags, strict=True):
        kind = tag[2:]
        if tag == "O":
            cur = None
            continue
        if tag.startswith("B-") or cur is None or cur[2] != kind:
            cur = [s, e, kind]
            spans.append(cur)  # type: ignore[arg-type]
        else:
            cur[1] = e
    return [tuple(x) for x in spans]  # type: ignore[misc]


class SpanTagger(BaseEstimator, ClassifierMixin):
    """BIO token classifier over content sentences. `target` picks gold spans from a Doc."""

    def __init__(self, target: str = "entities", c: float = 1.0) -> None:
        self.target = target
        self.c = c

    def _gold_spans(self, doc: Doc) -> list[tuple[int, int, str]]:
        if self.target == "entities":
            return [(m["start"], m["end"], m["type"]) for m in doc.entities]
        return [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc.events]

    def fit(self, docs: list[Doc]) -> SpanTagger:
        X, y = [], []
        for d in docs:
            spans = self._gold_spans(d)
            for _, _, toks in d.sentences:
                X += [token_features(d.text, toks, i) for i in range(len(toks))]
                y += bio_labels(toks, spans)
        self.clf_ = DictClassifier(self.c).fit(X, y)
        return self

    def predict(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        out = []
        for d in docs:
            spans: list[tuple[int, int, str]] = []
            for _, _, toks in d.sentences:
                tags = self.clf_.predict(
                    [token_features(d.text, toks, i) for i in range(len(toks))]
                )
                spans += bio_spans(toks, tags)
            out.append(spans)
        return out


class LexiconTagger(BaseEstimator, ClassifierMixin):
    """Reference: every training span string, matched exactly (longest first, on token
    boundaries), with its most frequent label."""

    def __init__(self, target: str = "entities") -> None:
        self.target = target

    def fit(self, docs: list[Doc]) -> LexiconTagger:
        counts: dict[str, Counter] = {}
        for d in docs:
            for s, e, label in SpanTagger(self.target)._gold_spans(d):
                counts.setdefault(d.text[s:e], Counter())[label] += 1
        self.lexicon_ = {k: min(c, key=lambda x: (-c[x], x)) for k, c in sorted(counts.items())}
        return self

    def predict(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        by_len = sorted(self.lexicon_, key=lambda k: (-len(k), k))
        out = []
        for d in docs:
            spans: list[tuple[int, int, str]] = []
            for _, _, toks in d.sentences:
                starts = {t[0] for t in toks}
                ends = {t[1] for t in toks}
                taken: list[tuple[int, int]] = []
                lo, hi = toks[0][0], toks[-1][1]
                for key in by_len:
                    pos = d.text.find(key, lo, hi)
                    while pos >= 0:
                        end = pos + len(key)
                        free = all(end <= a or pos >= b for a, b in taken)
                        if pos in starts and end in ends and free:
                            taken.append((pos, end))
                            spans.append((pos, end, self.lexicon_[key]))
                        pos = d.text.find(key, pos + 1, hi)
            out.append(sorted(spans))
        return out


# --- arguments and realis --------------------------------------------------------------------


def pair_features(doc: Doc, trig: tuple[int, int, str], ment: tuple[int, int, str]) -> Features:
    ts, te, etype = trig
    ms, me, mtype = ment
    between = doc.text[min(te, me) : max(ts, ms)].lower().split()
    before_mention = doc.text[max(0, ms - 12) : ms].lower().split()
    return {
        "bias": 1.0,
        "etype=" + etype: 1.0,
        "mtype=" + mtype: 1.0,
        "pair=" + etype + "|" + mtype: 1.0,
        "before": ms < ts,
        "dist": min(len(between), 20) / 20,
        "trig=" + doc.text[ts:te].lower(): 1.0,
        **{"btw=" + w: 1.0 for w in between[:8]},
        "prev=" + (before_mention[-1] if before_mention else "<s>"): 1.0,
    }


def candidate_pairs(doc: Doc, triggers, mentions):
    """(trigger, mention) pairs within one content sentence."""
    for s, e, _ in doc.sentences:
        ts = [t for t in triggers if s <= t[0] and t[1] <= e]
        ms = [m for m in mentions if s <= m[0] and m[1] <= e]
        for t in ts:
            for m in ms:
                yield t, m


class ArgumentClassifier(BaseEstimator, ClassifierMixin):
    """Role (or "None") for each (trigger, entity mention) pair of a sentence."""

    def __init__(self, c: float = 1.0) -> None:
        self.c = c

    def fit(self, docs: list[Doc]) -> ArgumentClassifier:
        X, y = [], []
        for d in docs:
            trig = [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in d.events]
            roles = {
                (e["trigger"]["start"], e["trigger"]["end"], a["start"], a["end"]): a["role"]
                for e in d.events
                for a in e["arguments"]
            }
            ments = [(m["start"], m["end"], m["type"]) for m in d.entities]
            for t, m in candidate_pairs(d, trig, ments):
                X.append(pair_features(d, t, m))
                y.append(roles.get((t[0], t[1], m[0], m[1]), "None"))
        self.clf_ = DictClassifier(self.c).fit(X, y or ["None"])
        return self

    def predict_doc(self, doc: Doc, triggers, mentions) -> dict[tuple[int, int], list[dict]]:
        pairs = list(candidate_pairs(doc, triggers, mentions))
        # Only roles the schema allows for the event type and the mention's entity type.
        allowed = [
            {"None"} | {r for r in schema.roles_for(t[2]) if schema.role_accepts(r, m[2])}
            for t, m in pairs
        ]
        labels = self.clf_.predict_allowed([pair_features(doc, t, m) for t, m in pairs], allowed)
        out: dict[tuple[int, int], list[dict]] = {}
        for (t, m), role in zip(pairs, labels, strict=True):
            if role not in (None, "None"):
                out.setdefault((t[0], t[1]), []).append({"start": m[0], "end": m[1], "role": role})
        return out


_CUES = (
    "will", "would", "could", "may", "might", "expected", "plans", "plan", "scheduled", "set",
    "to", "if", "unless", "not", "no", "without", "next", "upcoming", "aims", "intends",
    "hopes", "prepared", "must", "demand", "urge", "press",
)  # fmt: skip


def realis_features(doc: Doc, trig: tuple[int, int, str]) -> Features:
    ts, te, etype = trig
    left = doc.text[max(0, ts - 60) : ts].lower().split()[-6:]
    return {
        "bias": 1.0,
        "etype=" + etype: 1.0,
        "trig=" + doc.text[ts:te].lower(): 1.0,
        **{"cue=" + w: 1.0 for w in left if w in _CUES},
        **{"l=" + w: 1.0 for w in left[-2:]},
    }


class RealisClassifier(BaseEstimator, ClassifierMixin):
    def __init__(self, c: float = 1.0) -> None:
        self.c = c

    def fit(self, docs: list[Doc]) -> RealisClassifier:
        X = [
            realis_features(d, (e["trigger"]["start"], e["trigger"]["end"], e["type"]))
            for d in docs
            for e in d.events
        ]
        y = [e["realis"] for d in docs for e in d.events]
        self.clf_ = DictClassifier(self.c).fit(X, y or ["actual"])
        return self

    def predict_doc(self, doc: Doc, triggers) -> list[str]:
        return self.clf_.predict([realis_features(doc, t) for t in triggers])
