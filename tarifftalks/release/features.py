"""The `datasets.Features` of each config, generated from the schema (ClassLabel names included)."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from .. import schema

CONFIGS: tuple[str, ...] = ("documents", "boilerplate", "entities", "events")
DEFAULT_CONFIG = "documents"


def _span() -> dict:
    return {"start": Value("int32"), "end": Value("int32")}


def line_label() -> ClassLabel:
    return ClassLabel(names=list(schema.LINE_LABELS))


def documents_features() -> Features:
    return Features(
        {
            "doc_id": Value("string"),
            "file": Value("string"),
            "sha256": Value("string"),
            "outlet": Value("string"),
            "title": Value("string"),
            "published": Value("string"),
            "published_basis": ClassLabel(names=["stated", "inferred"]),
            "story_id": Value("string"),
            "near_duplicate_of": Value("string"),
            "authored": Value("bool"),
            "text": Value("string"),
            "lines": List({**_span(), "label": line_label()}),
        }
    )


def boilerplate_features() -> Features:
    return Features(
        {
            "doc_id": Value("string"),
            "line_index": Value("int32"),
            "num_lines": Value("int32"),
            "start": Value("int32"),
            "end": Value("int32"),
            "text": Value("string"),
            "label": line_label(),
            "is_content": Value("bool"),
        }
    )


def entities_features() -> Features:
    return Features(
        {
            "id": Value("string"),
            "doc_id": Value("string"),
            "sentence_index": Value("int32"),
            "start": Value("int32"),
            "end": Value("int32"),
            "text": Value("string"),
            "tokens": List(Value("string")),
            "token_spans": List(_span()),
            "ner_tags": List(ClassLabel(names=list(schema.bio_tags()))),
            "entities": List(
                {
                    **_span(),
                    "text": Value("string"),
                    "type": ClassLabel(names=list(schema.ENTITY_TYPE_NAMES)),
                }
            ),
        }
    )


def events_features() -> Features:
    return Features(
        {
            "doc_id": Value("string"),
            "published": Value("string"),
            "text": Value("string"),
            "content_lines": List(_span()),
            "sentences": List(_span()),
            "tokens": List(_span()),
            "entity_mentions": List(
                {
                    "id": Value("string"),
                    **_span(),
                    "text": Value("string"),
                    "type": ClassLabel(names=list(schema.ENTITY_TYPE_NAMES)),
                    "level": Value("string"),
                    "entity": Value("string"),
                    "kb": Value("string"),
                    "timex": Value("string"),
                }
            ),
            "event_mentions": List(
                {
                    "id": Value("string"),
                    "type": ClassLabel(names=list(schema.EVENT_TYPE_NAMES)),
                    "realis": ClassLabel(names=list(schema.REALIS_NAMES)),
                    "trigger": {**_span(), "text": Value("string")},
                    "cluster": Value("string"),
                    "arguments": List(
                        {
                            "mention": Value("string"),
                            "role": ClassLabel(names=list(schema.ROLE_NAMES)),
                            **_span(),
                            "text": Value("string"),
                        }
                    ),
                }
            ),
        }
    )


FEATURES = {
    "documents": documents_features,
    "boilerplate": boilerplate_features,
    "entities": entities_features,
    "events": events_features,
}
