"""The systems, layer by layer, and the "best system per layer" chosen inside training documents.

Systems (each predicts the layers listed in `SYSTEMS`; it is scored on those only):
  majority  boilerplate: the most frequent training label
  justext   boilerplate: jusText's paragraph classifier, untrained (good -> body, else related)
  lexicon   entities and triggers: exact-match lexicons of the training spans; realis majority
  sklearn   logistic regression: transferable line classifier (+ guideline rules), BIO entity
            tagger, BIO trigger tagger+typer, argument roles over (trigger, mention) pairs, realis
  crf       python-crfsuite: a CRF over the lines of a page, CRF entity and trigger taggers;
            arguments and realis as in sklearn
  best      per layer, the system with the best inner leave-one-story-out score on the training
            documents (`best_systems`); never chosen on the documents it is scored on
Event coreference (within and across documents) of the systems scored on it is the
type-and-stem reference of `coref.py`, applied to their predicted events.

Public entry points: `train_predict(system, train, test)` (layer-wise: test documents keep their
gold lines and sentences, as the scorer's per-layer figures assume), `best_systems(train)` and
`predict_documents(train, docs)` (end to end on documents without gold: predicted lines give the
content sentences the span layers read).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .coref import add_stem_clusters
from .crf import CRFTagger, count_spans
from .data import Doc, unlabeled_doc, with_content_lines
from .lines import LineClassifier, LineCRF, count_lines
from .models import (
    ArgumentClassifier,
    JusTextLines,
    LexiconTagger,
    MajorityLines,
    RealisClassifier,
    SpanTagger,
)
from .tuning import inner_folds, pooled_f1

SYSTEMS: dict[str, tuple[str, ...]] = {
    "majority": ("boilerplate",),
    "justext": ("boilerplate",),
    "lexicon": ("entities", "events"),
    "sklearn": ("boilerplate", "entities", "events", "coreference"),
    "crf": ("boilerplate", "entities", "events", "coreference"),
    "best": ("boilerplate", "entities", "events", "coreference"),
}
# Candidates of `best` per layer, simple references first (a tie keeps the simpler system).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "boilerplate": ("majority", "justext", "sklearn", "crf"),
    "entities": ("lexicon", "sklearn", "crf"),
    "events": ("lexicon", "sklearn", "crf"),
}
# When the training documents cannot be split (a single document), an a-priori choice.
DEFAULT_BEST: dict[str, str] = {"boilerplate": "sklearn", "entities": "crf", "events": "crf"}
# What "best" is chosen by, per layer: line accuracy, entity strict F1, trigger-C F1.
SELECTION_METRIC: dict[str, str] = {
    "boilerplate": "line accuracy",
    "entities": "strict F1",
    "events": "trigger-C F1",
}
SPAN_LAYERS = ("entities", "events")


F = TypeVar("F", bound=Callable[..., Any])


def one_thread(fn: F) -> F:
    """Run with one BLAS/OpenMP thread: on a shared 2-core machine the solvers' threads fight
    over the cores (six times slower), and small problems gain nothing from them."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


# The hyper-parameter each tuned model chooses by inner cross-validation on its training
# documents, by "layer/system" ("realis": the realis classifier of sklearn and crf): the
# attribute the fitted model keeps it in.
TUNED: dict[str, str] = {
    "boilerplate/sklearn": "c_",
    "entities/crf": "c2_",
    "events/crf": "c2_",
    "realis": "c_",
}


class Cache:
    """Fitted models by (layer, system, training documents), shared by the protocols of one run
    so that a training set met again (outer and inner folds overlap) is fitted once.

    `params`: fixed hyper-parameters by `TUNED` key, used instead of inner cross-validation
    (`tarifftalks predict` takes those `tarifftalks baselines` chose on the real documents)."""

    def __init__(self, params: dict[str, float] | None = None) -> None:
        self.models: dict[tuple[str, str, tuple[str, ...]], Any] = {}
        self.choices: dict[tuple[str, ...], dict[str, str]] = {}
        self.params = dict(params or {})

    def fit(self, layer: str, system: str, train: Sequence[Doc]) -> Any:
        key = (layer, system, tuple(sorted(d.doc_id for d in train)))
        if key not in self.models:
            param = self.params.get(f"{layer}/{system}")
            self.models[key] = _fit(layer, system, list(train), param)
        return self.models[key]


def _fit(layer: str, system: str, train: list[Doc], param: float | None = None) -> Any:
    """A fitted model; `param` fixes its tuned hyper-parameter (None: inner CV on `train`)."""
    if layer == "boilerplate":
        model = {
            "majority": MajorityLines,
            "justext": JusTextLines,
            "sklearn": lambda: LineClassifier(c=param),
            "crf": LineCRF,
        }[system]()
        return model.fit(train)
    target = "entities" if layer == "entities" else "events"
    tagger = {
        "lexicon": lambda: LexiconTagger(target),
        "sklearn": lambda: SpanTagger(target),
        "crf": lambda: CRFTagger(target, c2=param),
    }[system]()
    return tagger.fit(train)


def _fit_events_extras(system: str, train: list[Doc], cache: Cache) -> tuple[Any, Any, str]:
    """Argument and realis classifiers of a system (none for the lexicon: majority realis)."""
    counts = Counter(e["realis"] for d in train for e in d.events)
    majority = min(counts, key=lambda k: (-counts[k], k)) if counts else "actual"
    if system == "lexicon":
        return None, None, majority
    key = tuple(sorted(d.doc_id for d in train))
    if ("args", "", key) not in cache.models:
        # C of the argument classifier is fixed (tuning it tripled the run time for +1 F1).
        cache.models[("args", "", key)] = ArgumentClassifier(c=1.0).fit(train)
        realis_c = cache.params.get("realis")
        cache.models[("realis", "", key)] = RealisClassifier(c=realis_c).fit(train)
    return cache.models[("args", "", key)], cache.models[("realis", "", key)], majority


def tuned_params(choice: dict[str, str], train: Sequence[Doc], cache: Cache) -> dict[str, float]:
    """{`TUNED` key: value} the models of `choice` (layer -> system) chose on `train`."""
    train = list(train)
    out: dict[str, float] = {}
    for layer, system in sorted(choice.items()):
        attr = TUNED.get(f"{layer}/{system}")
        if attr:
            out[f"{layer}/{system}"] = float(getattr(cache.fit(layer, system, train), attr))
    if choice.get("events") in ("sklearn", "crf"):
        out["realis"] = float(_fit_events_extras(choice["events"], train, cache)[1].c_)
    return out


def _events_record(triggers, args_by_trigger, realis) -> list[dict[str, Any]]:
    return [
        {
            "trigger": {"start": s, "end": e},
            "type": t,
            "realis": r,
            "arguments": sorted(
                args_by_trigger.get((s, e), []), key=lambda a: (a["start"], a["role"])
            ),
        }
        for (s, e, t), r in zip(triggers, realis, strict=True)
    ]


def predict_layers(
    choice: dict[str, str | None],
    train: Sequence[Doc],
    test: Sequence[Doc],
    cache: Cache | None = None,
    pipeline: bool = False,
) -> list[dict[str, Any]]:
    """Prediction records (scorer format) with the system `choice[layer]` for each layer (None:
    not predicted). `pipeline`: the span layers read the sentences of the *predicted* content
    lines (documents without gold); otherwise each test document's own sentences."""
    cache = cache or Cache()
    train, test = list(train), list(test)
    records: list[dict[str, Any]] = [{"doc_id": d.doc_id} for d in test]
    if choice.get("boilerplate"):
        model = cache.fit("boilerplate", choice["boilerplate"], train)
        labels = model.predict(test)
        for rec, d, labs in zip(records, test, labels, strict=True):
            rec["lines"] = [
                {"start": ln["start"], "end": ln["end"], "label": lab}
                for ln, lab in zip(d.lines, labs, strict=True)
            ]
        if pipeline:
            test = [with_content_lines(d, labs) for d, labs in zip(test, labels, strict=True)]
    ents: list[list[tuple[int, int, str]]] = [[] for _ in test]
    if choice.get("entities"):
        ents = cache.fit("entities", choice["entities"], train).predict(test)
        for rec, es in zip(records, ents, strict=True):
            rec["entities"] = [{"start": s, "end": e, "type": t} for s, e, t in es]
    if choice.get("events"):
        system = choice["events"]
        trigs = cache.fit("events", system, train).predict(test)
        argc, realc, majority = _fit_events_extras(system, train, cache)
        for rec, d, es, ts in zip(records, test, ents, trigs, strict=True):
            args = argc.predict_doc(d, ts, es) if argc else {}
            realis = realc.predict_doc(d, ts) if realc else [majority] * len(ts)
            rec["events"] = _events_record(ts, args, realis)
    return records


@one_thread
def train_predict(
    system: str, train: list[Doc], test: list[Doc], cache: Cache | None = None
) -> list[dict[str, Any]]:
    """Prediction records (scorer format) for `test` from `system` trained on `train`."""
    if system not in SYSTEMS:
        raise KeyError(f"unknown system {system!r} (known: {', '.join(SYSTEMS)})")
    cache = cache or Cache()
    if system == "best":
        choice: dict[str, str | None] = dict(best_systems(train, cache))
    else:
        choice = {layer: system for layer in CANDIDATES if layer in SYSTEMS[system]}
    records = predict_layers(choice, train, test, cache)
    if "coreference" in SYSTEMS[system]:  # the type-and-stem reference, across documents too
        add_stem_clusters(records, {d.doc_id: d.text for d in test})
    return records


# --- choosing the best system per layer, inside the training documents -------------------------


def _layer_counts(layer: str, model: Any, test: list[Doc]) -> tuple[int, int, int]:
    """(hits, predicted, gold): line hits over lines, or strict span counts."""
    if layer == "boilerplate":
        return count_lines(test, model.predict(test))
    return count_spans(test, model.predict(test), "entities" if layer == "entities" else "events")


def inner_scores(train: Sequence[Doc], cache: Cache | None = None) -> dict[str, dict[str, float]]:
    """{layer: {system: pooled inner leave-one-story-out figure}} over `train` only."""
    cache = cache or Cache()
    folds = inner_folds(list(train))
    out: dict[str, dict[str, float]] = {}
    for layer, systems in CANDIDATES.items():
        out[layer] = {}
        for system in systems:
            counts = [_layer_counts(layer, cache.fit(layer, system, tr), te) for tr, te in folds]
            out[layer][system] = pooled_f1(counts)
    return out


@one_thread
def best_systems(train: Sequence[Doc], cache: Cache | None = None) -> dict[str, str]:
    """{layer: system} for boilerplate, entities and events, chosen by inner leave-one-story-out
    cross-validation over `train` alone (`SELECTION_METRIC`); `DEFAULT_BEST` when `train` cannot
    be split."""
    cache = cache or Cache()
    key = tuple(sorted(d.doc_id for d in train))
    if key in cache.choices:
        return cache.choices[key]
    if not inner_folds(list(train)):
        choice = dict(DEFAULT_BEST)
    else:
        scores = inner_scores(train, cache)
        choice = {}
        for layer, systems in CANDIDATES.items():
            # max keeps the first of equal figures: the simpler system wins a tie.
            choice[layer] = max(systems, key=lambda s, sc=scores[layer]: (sc[s], -systems.index(s)))
    cache.choices[key] = choice
    return choice


@one_thread
def predict_documents(
    train: Sequence[Doc],
    docs: Sequence[Any],
    choice: dict[str, str] | None = None,
    cache: Cache | None = None,
) -> list[dict[str, Any]]:
    """End-to-end predictions (scorer format, every layer) for documents without gold.

    `docs`: `Doc`s, or objects with `doc_id` and `text` (and optionally `title`, `outlet`), such
    as `tarifftalks.corpus.Document`. `choice`: {layer: system}; by default `best_systems(train)`.
    Lines come from the text (`tarifftalks.text.iter_lines`); content sentences from the lines the
    boilerplate system labels title or body.
    """
    cache = cache or Cache()
    choice = choice or best_systems(train, cache)
    test = [
        d
        if isinstance(d, Doc)
        else unlabeled_doc(d.doc_id, d.text, getattr(d, "title", None), getattr(d, "outlet", None))
        for d in docs
    ]
    return predict_layers(dict(choice), train, test, cache, pipeline=True)


def _recorded(results_path: Any, key: str) -> Any:
    """`key` of baselines/results.json, or None when the file is absent or not a JSON object."""
    import json
    from pathlib import Path

    try:
        data = json.loads(Path(results_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data.get(key) if isinstance(data, dict) else None


def recorded_params(results_path: Any) -> dict[str, float]:
    """The hyper-parameters `tarifftalks baselines` chose on every real document
    (`predict_params` in baselines/results.json); the well-formed entries only (a `TUNED` key,
    a finite positive number), so a missing or malformed one is tuned again."""
    import math

    params = _recorded(results_path, "predict_params")
    if not isinstance(params, dict):
        return {}
    return {
        k: float(v)
        for k, v in sorted(params.items())
        if k in TUNED
        and isinstance(v, int | float)
        and not isinstance(v, bool)
        and math.isfinite(v)
        and v > 0
    }


def recorded_choice(results_path: Any) -> dict[str, str] | None:
    """The per-layer choice `tarifftalks baselines` made on every real document
    (`predict_choice` in baselines/results.json), or None when absent or malformed: then call
    `best_systems` (slower: it cross-validates every system)."""
    choice = _recorded(results_path, "predict_choice")
    if not isinstance(choice, dict) or set(choice) != set(CANDIDATES):
        return None
    if not all(isinstance(v, str) and v in CANDIDATES[k] for k, v in choice.items()):
        return None
    return {k: choice[k] for k in sorted(choice)}
