"""croissant.json (Croissant 1.0 JSON-LD): one FileObject per Parquet file, one RecordSet per
config with its top-level fields. Nested list columns are described as repeated fields."""

from __future__ import annotations

import json
from typing import Any

from datasets import ClassLabel, Features, LargeList, List, Value

from . import licence
from .card import FeaturesOf, citation, present_splits
from .features import CONFIGS, FEATURES

_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def _data_type(feature: Any) -> str:
    if isinstance(feature, ClassLabel):
        return "sc:Integer"
    if isinstance(feature, Value):
        d = feature.dtype
        if d.startswith("int"):
            return "sc:Integer"
        if d == "bool":
            return "sc:Boolean"
        if d.startswith("float"):
            return "sc:Float"
        return "sc:Text"
    return "sc:Text"


def _field(record_id: str, name: str, feature: Any, file_ids: list[str]) -> dict[str, Any]:
    inner = feature.feature if isinstance(feature, (List, LargeList)) else feature
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{record_id}/{name}",
        "name": name,
        "description": _describe(name, inner),
        "dataType": _data_type(inner) if not isinstance(inner, dict) else "sc:Text",
        "source": {"fileObject": {"@id": file_ids[0]}, "extract": {"column": name}},
    }
    if isinstance(feature, (List, LargeList)):
        field["repeated"] = True
    return field


def _describe(name: str, feature: Any) -> str:
    if isinstance(feature, ClassLabel):
        return f"{name}: class id; names in order: {', '.join(feature.names)}"
    if isinstance(feature, dict):
        return f"{name}: struct with keys {', '.join(feature)} (see the dataset card)"
    return name


def croissant_json(
    static: dict[str, Any],
    files: dict,
    fingerprint: str,
    features_of: FeaturesOf = FEATURES,
    name: str = "TariffTalks",
) -> str:
    distribution = []
    record_sets = []
    for config in CONFIGS:
        ids = []
        for split in present_splits(files, config):
            f = files[(config, split)]
            fid = f"{config}-{split}-parquet"
            ids.append(fid)
            distribution.append(
                {
                    "@type": "cr:FileObject",
                    "@id": fid,
                    "name": fid,
                    "contentUrl": f["path"],
                    "encodingFormat": "application/x-parquet",
                    "sha256": f["sha256"],
                }
            )
        features: Features = features_of[config]()
        split_names = ", ".join(present_splits(files, config))
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": f"TariffTalks `{config}` config (splits: {split_names}).",
                "field": [_field(config, n, ft, ids) for n, ft in features.items()],
            }
        )
    doc = {
        "@context": _CONTEXT,
        "@type": "sc:Dataset",
        "name": name,
        "description": static.get("description")
        or "News articles on the 2025 U.S.-Japan tariff talks annotated for boilerplate, "
        "entities and events.",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "citeAs": citation(static),
        "license": licence.croissant_license(),
        "url": static.get("homepage", "https://example.invalid/tarifftalks"),
        "version": str(static.get("version", "1.0.0")),
        "datePublished": str(static.get("date_published", "2026-11-21")),
        "distribution": distribution,
        "recordSet": record_sets,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
