"""The Label Studio labeling config, generated from `tarifftalks.schema` (never hand-edited).

One task per document; all layers on the one `Text` object, so offsets are the document's
code-point offsets (docs/DESIGN.md §3):

    line      Labels   one boilerplate label per non-empty line
    entity    Labels   entity types
    trigger   Labels   event types (the trigger span)
    Relations          argument roles: trigger -> entity mention
    per-region controls (shown when a region is selected):
      level (Choices, leveled types), kb / timex / entity_cluster (TextArea, entity regions),
      realis (Choices) / event_cluster (TextArea, trigger regions), note (TextArea, any region)
    doc_note  TextArea  notes about the whole document

The names below are the contract between `config` and `convert`; `annotation/labeling_config.xml`
is the checked-in copy (`tarifftalks studio config` rewrites it, a test compares).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from .. import paths, schema
from ..io import write_text_atomic

TEXT = "text"
LINE = "line"
ENTITY = "entity"
TRIGGER = "trigger"
LEVEL = "level"
KB = "kb"
TIMEX = "timex"
ENTITY_CLUSTER = "entity_cluster"
REALIS = "realis"
EVENT_CLUSTER = "event_cluster"
NOTE = "note"
DOC_NOTE = "doc_note"
REGION_CONTROLS = (LINE, ENTITY, TRIGGER)

# Colour families per layer, so the three layers are told apart at a glance.
_LINE_COLOR = "#bdbdbd"
_ENTITY_COLORS = ("#1e88e5", "#43a047", "#8e24aa", "#00897b", "#3949ab", "#7cb342", "#039be5")
_EVENT_COLORS = ("#e53935", "#fb8c00", "#d81b60", "#f4511e", "#c0ca33")


def config_path(root: Path | None = None) -> Path:
    return paths.annotation_dir(root) / "labeling_config.xml"


def _labels(name: str, values: list[tuple[str, str, str]], inline: bool = True) -> list[str]:
    out = [f'  <Labels name="{name}" toName="{TEXT}" showInline="{str(inline).lower()}">']
    for value, hint, color in values:
        out.append(
            f"    <Label value={quoteattr(value)} hint={quoteattr(hint)} "
            f"background={quoteattr(color)}/>"
        )
    out.append("  </Labels>")
    return out


def _when(values: list[str] | tuple[str, ...]) -> str:
    return quoteattr(",".join(values))


def labeling_config() -> str:
    """The config text; deterministic (schema order), ends with a newline."""
    ent_values = list(schema.ENTITY_TYPE_NAMES)
    ev_values = list(schema.EVENT_TYPE_NAMES)
    leveled = [t for t in schema.ENTITY_TYPE_NAMES if t in schema.LEVELED_TYPES]
    timexed = [t for t in schema.ENTITY_TYPE_NAMES if t in schema.TIMEX_TYPES]
    lines = [
        "<!-- Generated from tarifftalks/schema.py by `tarifftalks studio config`. -->",
        "<View>",
        '  <Header value="$doc_id" size="4"/>',
        '  <Header value="Lines (boilerplate)" size="6"/>',
        *_labels(LINE, [(k, v, _LINE_COLOR) for k, v in schema.BOILERPLATE_LABELS.items()]),
        '  <Header value="Entities" size="6"/>',
        *_labels(
            ENTITY,
            [
                (k, v, _ENTITY_COLORS[i % len(_ENTITY_COLORS)])
                for i, (k, v) in enumerate(schema.ENTITY_TYPES.items())
            ],
        ),
        '  <Header value="Event triggers" size="6"/>',
        *_labels(
            TRIGGER,
            [
                (e.name, e.description, _EVENT_COLORS[i % len(_EVENT_COLORS)])
                for i, e in enumerate(schema.EVENT_TYPES.values())
            ],
        ),
        f'  <Text name="{TEXT}" value="$text" granularity="symbol"/>',
        '  <Relations choice="multiple">',
        *(f"    <Relation value={quoteattr(r)}/>" for r in schema.ROLE_NAMES),
        "  </Relations>",
        '  <View visibleWhen="region-selected">',
        '    <Header value="Selected region" size="6"/>',
        f'    <Choices name="{LEVEL}" toName="{TEXT}" perRegion="true" choice="single-radio"'
        f' showInline="true" visibleWhen="region-selected" whenTagName="{TEXT}"'
        f" whenLabelValue={_when(leveled)}>",
        *(
            f"      <Choice value={quoteattr(k)} hint={quoteattr(v)}/>"
            for k, v in schema.MENTION_LEVELS.items()
        ),
        "    </Choices>",
        f'    <TextArea name="{ENTITY_CLUSTER}" toName="{TEXT}" perRegion="true" editable="true"'
        f' maxSubmissions="1" rows="1" placeholder="entity cluster (coreference), e.g. C3"'
        f' visibleWhen="region-selected" whenTagName="{TEXT}" whenLabelValue={_when(ent_values)}/>',
        f'    <TextArea name="{KB}" toName="{TEXT}" perRegion="true" editable="true"'
        f' maxSubmissions="1" rows="1" placeholder="knowledge-base id (named entities)"'
        f' visibleWhen="region-selected" whenTagName="{TEXT}" whenLabelValue={_when(ent_values)}/>',
        f'    <TextArea name="{TIMEX}" toName="{TEXT}" perRegion="true" editable="true"'
        f' maxSubmissions="1" rows="1" placeholder="TIMEX3 value, e.g. 2025-05-30"'
        f' visibleWhen="region-selected" whenTagName="{TEXT}" whenLabelValue={_when(timexed)}/>',
        f'    <Choices name="{REALIS}" toName="{TEXT}" perRegion="true" choice="single-radio"'
        f' showInline="true" visibleWhen="region-selected" whenTagName="{TEXT}"'
        f" whenLabelValue={_when(ev_values)}>",
        *(
            f"      <Choice value={quoteattr(k)} hint={quoteattr(v)}/>"
            for k, v in schema.REALIS.items()
        ),
        "    </Choices>",
        f'    <TextArea name="{EVENT_CLUSTER}" toName="{TEXT}" perRegion="true" editable="true"'
        f' maxSubmissions="1" rows="1" placeholder="event cluster (coreference across documents)"'
        f' visibleWhen="region-selected" whenTagName="{TEXT}" whenLabelValue={_when(ev_values)}/>',
        f'    <TextArea name="{NOTE}" toName="{TEXT}" perRegion="true" editable="true"'
        f' rows="2" placeholder="note about this region"/>',
        "  </View>",
        f'  <TextArea name="{DOC_NOTE}" toName="{TEXT}" editable="true" rows="2"'
        f' placeholder="note about the document"/>',
        "</View>",
    ]
    return "\n".join(lines) + "\n"


def write_config(root: Path | None = None) -> Path:
    path = config_path(root)
    write_text_atomic(path, labeling_config())
    return path
