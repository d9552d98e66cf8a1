"""The release's licence: one statement, rendered into the card's YAML (`license: other` with
`license_name` and `license_link`), the card body (section "Licence"), `LICENSE.md` in each
released folder and `croissant.json` (`license`). Everything here is the one source: the card
source (DATASET_CARD.md) holds no licence facts of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LICENSE_NAME = "tarifftalks-cc-by-4.0-annotations-publisher-texts"
LICENSE_FILE = "LICENSE.md"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "TariffTalks contributors"


@dataclass(frozen=True)
class Part:
    what: str
    licence: str
    url: str | None
    covers: str


PARTS: tuple[Part, ...] = (
    Part(
        "Annotations",
        "CC BY 4.0",
        CC_BY_4,
        "every label, offset, type, level, coreference and cluster id, KB link, TIMEX value, "
        "event, argument and realis value; the metadata, the knowledge base (`kb.jsonl`), the "
        "event registry (`event_registry.jsonl`), the folds and this card",
    ),
    Part(
        "Authored texts",
        "CC BY 4.0",
        CC_BY_4,
        "the texts the TariffTalks project wrote itself (`authored: true`, the `challenge` "
        "split), in both forms",
    ),
    Part(
        "Seed texts",
        "© their publishers, not licensed by TariffTalks",
        None,
        "the scraped news articles (`authored: false`): their words in `text`, `title`, "
        "`tokens` and every span's `text`",
    ),
)


def yaml_fields() -> dict[str, str]:
    """The card's YAML licence keys (Hugging Face: a mixed licence is `other` with a name and
    a link; the link is the LICENSE.md shipped beside the card)."""
    return {"license": "other", "license_name": LICENSE_NAME, "license_link": LICENSE_FILE}


def licence_markdown() -> str:
    """The statement: a table of the three parts, then what may be redistributed."""
    rows = "\n".join(
        f"| {p.what} | {f'[{p.licence}]({p.url})' if p.url else p.licence} | {p.covers} |"
        for p in PARTS
    )
    return (
        "| part | licence | covers |\n|---|---|---|\n"
        + rows
        + "\n\n**What may be redistributed.** The text-free form (`dataset-standoff/`) holds "
        "annotations, metadata and the project's own texts only: share it under CC BY 4.0, "
        f'crediting "{ATTRIBUTION}" and linking {CC_BY_4}. It is the form to upload to the '
        "Hugging Face Hub or any public place. The full form (`dataset/`), a folder made by "
        "`tarifftalks rehydrate`, and every file made by `tarifftalks convert` hold the "
        "publishers' article texts: keep them for your own research and do not republish them "
        "(that needs the publishers' permission). CC BY 4.0 grants nothing in the seed texts.\n"
    )


def license_file() -> str:
    """LICENSE.md, shipped in both folders (the YAML's `license_link`)."""
    return "# TariffTalks licence\n\n" + licence_markdown()


def croissant_license() -> list[dict[str, Any]]:
    """Croissant `license`: one schema.org CreativeWork per part."""
    out = []
    for p in PARTS:
        work: dict[str, Any] = {
            "@type": "sc:CreativeWork",
            "name": f"{p.what}: {p.licence}",
            "description": p.covers,
        }
        if p.url:
            work["url"] = p.url
        out.append(work)
    return out
