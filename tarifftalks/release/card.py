"""dataset/README.md: the card source (DATASET_CARD.md) with generated YAML and tables.

DATASET_CARD.md holds the prose and the static metadata (license, language, …) in its front
matter; the build adds `configs`, `dataset_info` (typed features with ClassLabel names) and the
content fingerprint, and fills each `<!-- generated:NAME -->` marker with a table computed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from datasets import DatasetInfo, Features, SplitDict, SplitInfo

from .. import schema
from ..errors import UserError
from ..splits import SPLITS
from . import licence
from .features import CONFIGS, DEFAULT_CONFIG, FEATURES

FeaturesOf = Mapping[str, Callable[[], Features]]
# Keys of the YAML the build writes itself; the card source must not set them.
GENERATED_KEYS = ("configs", "dataset_info", *licence.yaml_fields())


def present_splits(files: dict, config: str) -> list[str]:
    """The splits of a config that have a file (empty splits are not written)."""
    return [s for s in SPLITS if (config, s) in files]


_MARKER = re.compile(r"<!-- generated:([a-z_]+) -->")


def split_front_matter(source: str, name: str = "DATASET_CARD.md") -> tuple[dict, str]:
    if not source.startswith("---\n"):
        raise UserError(f"{name}: must start with a YAML front matter block (---)")
    end = source.find("\n---\n", 4)
    if end < 0:
        raise UserError(f"{name}: front matter is not closed with ---")
    try:
        meta = yaml.safe_load(source[4:end]) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{name}: front matter is not valid YAML ({exc})") from None
    return meta, source[end + 5 :]


def yaml_header(
    static: dict[str, Any],
    fingerprint: str,
    files: dict[tuple[str, str], dict[str, Any]],
    features: FeaturesOf = FEATURES,
) -> str:
    """Front matter: static metadata, the licence keys, then generated configs and
    dataset_info (`features`: the form's features per config)."""
    configs = []
    infos = []
    for config in CONFIGS:
        # The `datasets` cache keys local Parquet by path and mtime only, so rewritten files can be
        # served stale; a config kwarg in the YAML is part of the cache key, hence the fingerprint
        # in `description` (measured: changing it makes load_dataset re-read the files).
        entry: dict[str, Any] = {
            "config_name": config,
            "description": f"TariffTalks {config}; content fingerprint {fingerprint}",
        }
        if config == DEFAULT_CONFIG:
            entry["default"] = True
        entry["data_files"] = [
            {"split": s, "path": f"data/{config}/{s}.parquet"}
            for s in present_splits(files, config)
        ]
        configs.append(entry)
        splits = SplitDict()
        for s in present_splits(files, config):
            f = files[(config, s)]
            splits.add(SplitInfo(name=s, num_bytes=f["bytes"], num_examples=f["rows"]))
        size = sum(files[(config, s)]["bytes"] for s in present_splits(files, config))
        info = DatasetInfo(
            features=features[config](),
            config_name=config,
            splits=splits,
            download_size=size,
            dataset_size=size,
        )
        infos.append({"config_name": config, **info._to_yaml_dict()})
    meta = {
        **{k: v for k, v in static.items() if k not in GENERATED_KEYS},
        **licence.yaml_fields(),
        "configs": configs,
        "dataset_info": infos,
    }
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100) + "---\n"


def inventory_tables() -> dict[str, str]:
    t = {}
    t["boilerplate_labels"] = "| label | content? | meaning |\n|---|---|---|\n" + "\n".join(
        f"| `{k}` | {'yes' if k in schema.CONTENT_LABELS else 'no'} | {v} |"
        for k, v in schema.BOILERPLATE_LABELS.items()
    )
    t["entity_types"] = "| type | levels? | meaning |\n|---|---|---|\n" + "\n".join(
        f"| `{k}` | {'NAM/NOM/PRO' if k in schema.LEVELED_TYPES else '—'} | {v} |"
        for k, v in schema.ENTITY_TYPES.items()
    )
    t["event_types"] = "| type | meaning | roles |\n|---|---|---|\n" + "\n".join(
        f"| `{e.name}` | {e.description} | {', '.join(e.roles)} |"
        for e in schema.EVENT_TYPES.values()
    )
    t["realis"] = "| realis | ERE | meaning |\n|---|---|---|\n" + "\n".join(
        f"| `{k}` | {schema.ERE_REALIS[k]} | {v} |" for k, v in schema.REALIS.items()
    )
    return t


# The packages whose versions the built bytes depend on: the Parquet writer records its version,
# the figure is drawn by matplotlib, tokens come from spaCy, features and card YAML from datasets.
BUILD_PACKAGES = ("pyarrow", "datasets", "spacy", "matplotlib", "numpy")


def software_versions_table() -> str:
    """The installed versions of BUILD_PACKAGES (read at build time, so the card cannot lie)."""
    from importlib.metadata import version

    return "| package | version |\n|---|---|\n" + "\n".join(
        f"| `{name}` | {version(name)} |" for name in BUILD_PACKAGES
    )


def example_block(row: dict[str, Any], limit: int = 6) -> str:
    """One example row as JSON, long strings and lists cut so the card stays readable."""

    def cut(v: Any) -> Any:
        if isinstance(v, str) and len(v) > 120:
            return v[:117] + "…"
        if isinstance(v, list):
            return [cut(x) for x in v[:limit]] + (["…"] if len(v) > limit else [])
        if isinstance(v, dict):
            return {k: cut(x) for k, x in v.items()}
        return v

    return "```json\n" + json.dumps(cut(row), ensure_ascii=False, indent=1) + "\n```"


def citation(static: dict[str, Any]) -> str:
    """The BibTeX entry, from the card source's front matter (title, version, date)."""
    version = str(static.get("version", ""))
    year = str(static.get("date_published", ""))[:4]
    key = "tarifftalks" + year + ("_v" + version.replace(".", "_") if version else "")
    title = static.get("citation_title") or static.get("pretty_name", "TariffTalks")
    return (
        f"@misc{{{key},\n"
        f"  author  = {{{{{licence.ATTRIBUTION}}}}},\n"
        f"  title   = {{{title}}},\n"
        f"  year    = {{{year}}},\n"
        f"  version = {{{version}}},\n"
        f"  note    = {{Dataset and benchmark package; annotations CC BY 4.0}}\n"
        "}"
    )


def render_card(source: str, header: str, tables: dict[str, str]) -> str:
    _, body = split_front_matter(source)

    def fill(m: re.Match) -> str:
        name = m.group(1)
        if name not in tables:
            raise UserError(f"DATASET_CARD.md: unknown marker generated:{name}")
        return f"<!-- generated:{name} -->\n{tables[name]}\n<!-- /generated:{name} -->"

    return header + _MARKER.sub(fill, body)
