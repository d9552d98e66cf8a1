"""The TariffTalks scorer (docs/DESIGN.md §7): prediction format, validator and metrics.

Predictions are JSONL, one object per document, in document offsets (code points, half-open),
every layer optional (see `predictions` for the format). Two fields extend docs/DESIGN.md §7
compatibly
for coreference: `"entity"` (cluster id) on entity predictions and `"cluster"` on event
predictions (an event cluster id links the documents of the split, unless it is
document-local: `<doc_id>/<slug>`); without them every predicted mention is a singleton.

Every metric is a small function with a scikit-learn-like signature taking gold records and
prediction records keyed by doc_id (gold first). Gold records may be in the annotation/gold
format or the prediction format; documents missing from the predictions count as empty.
Tuples are compared within each document and counts are summed over documents (micro average);
P, R and F1 are 0 where undefined. Definitions: docs/SCORING.md.
"""

from __future__ import annotations

from .boilerplate import (
    boilerplate_scores,
    content_word_scores,
    line_accuracy,
    line_label_scores,
    line_macro_f1,
)
from .coref import b_cubed, ceaf_e, coref_counts, coref_scores, cross_document_scores, lea, muc
from .entities import entity_scores, entity_type_scores
from .events import event_scores, realis_accuracy
from .predictions import (
    gold_to_predictions,
    parse_predictions,
    read_predictions,
    validate_record,
    write_predictions,
)
from .score import LAYERS, score

__all__ = [
    "LAYERS",
    "b_cubed",
    "boilerplate_scores",
    "ceaf_e",
    "content_word_scores",
    "coref_counts",
    "coref_scores",
    "cross_document_scores",
    "entity_scores",
    "entity_type_scores",
    "event_scores",
    "gold_to_predictions",
    "lea",
    "line_accuracy",
    "line_label_scores",
    "line_macro_f1",
    "muc",
    "parse_predictions",
    "read_predictions",
    "realis_accuracy",
    "score",
    "validate_record",
    "write_predictions",
]
