"""`tarifftalks build`: validated gold → dataset/ (Parquet configs, card, croissant, folds).

Everything is computed in memory, written to a staging folder beside the target and swapped in
only when complete, so a failed build leaves the previous dataset/ untouched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .. import paths
from ..agreement import agreement_markdown
from ..corpus import load_documents
from ..errors import UserError
from ..gold import read_gold_dir, read_kb
from ..io import replace_dir_atomic
from ..splits import SPLITS, loso_folds, split_of_documents
from ..validate import validate_dir
from . import card, croissant, figures, stats
from .features import CONFIGS, FEATURES
from .parquet import parquet_bytes
from .records import rows_of_config


def check_gold(root: Path | None = None) -> tuple[list, dict[str, dict[str, Any]]]:
    """Documents and gold, or a UserError naming the first problem (and how many there are)."""
    docs = load_documents(root)
    gold_folder = paths.gold_dir(root)
    gold = read_gold_dir(gold_folder)
    problems = validate_dir(gold, docs, read_kb(paths.kb_path(root)), gold_folder)
    if problems:
        more = (
            f" (and {len(problems) - 1} more; run `tarifftalks validate`)"
            if len(problems) > 1
            else ""
        )
        raise UserError(problems[0] + more)
    return docs, gold


def build_dataset(root: Path | None = None, out: Path | None = None, log=print) -> dict[str, Any]:
    root = root or paths.repo_root()
    out = Path(out) if out else paths.dataset_dir(root)
    docs, gold = check_gold(root)
    split_of = split_of_documents(docs)
    by_split = {s: [d for d in docs if split_of[d.doc_id] == s] for s in SPLITS}

    blobs: dict[str, bytes] = {}
    files: dict[tuple[str, str], dict[str, Any]] = {}
    for config in CONFIGS:
        features = FEATURES[config]()
        for split in SPLITS:
            rows = [r for d in by_split[split] for r in rows_of_config(config, d, gold[d.doc_id])]
            data = parquet_bytes(rows, features)
            rel = f"data/{config}/{split}.parquet"
            blobs[rel] = data
            files[(config, split)] = {
                "path": rel,
                "rows": len(rows),
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        log(f"  {config:<12}" + "  ".join(f"{s}={files[(config, s)]['rows']}" for s in SPLITS))

    folds = loso_folds(docs)
    blobs["folds.json"] = (json.dumps(folds, indent=2) + "\n").encode()
    fingerprint = hashlib.sha256(
        "".join(f"{f['path']} {f['sha256']}\n" for f in files.values()).encode()
        + blobs["folds.json"]
    ).hexdigest()

    golds_by_split = {s: [gold[d.doc_id] for d in by_split[s]] for s in SPLITS}
    counts = stats.label_counts(golds_by_split)
    blobs["label_distribution.png"] = figures.label_distribution_png(counts)

    card_path = root / "DATASET_CARD.md"
    if not card_path.is_file():
        raise UserError(f"{card_path}: card source missing")
    source = card_path.read_text(encoding="utf-8")
    static, _ = card.split_front_matter(source)
    tables = {
        **card.inventory_tables(),
        **{f"counts_{k.replace(' ', '_')}": stats.counts_table(k, v) for k, v in counts.items()},
        "splits": _splits_table(by_split),
        "folds": _folds_table(folds),
        "files": _files_table(files, blobs),
        "fingerprint": f"Content fingerprint: `{fingerprint}`",
        **{
            f"example_{c}": card.example_block(
                rows_of_config(c, by_split["train"][0], gold[by_split["train"][0].doc_id])[0]
            )
            for c in CONFIGS
        },
        "agreement": agreement_markdown(root),
        "software_versions": card.software_versions_table(),
    }
    header = card.yaml_header(static, fingerprint, files)
    blobs["README.md"] = card.render_card(source, header, tables).encode("utf-8")
    blobs["croissant.json"] = croissant.croissant_json(static, files, fingerprint).encode("utf-8")

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        for rel, data in sorted(blobs.items()):
            p = staging / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        replace_dir_atomic(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {"out": out, "files": files, "fingerprint": fingerprint, "documents": len(docs)}


def _splits_table(by_split: dict[str, list]) -> str:
    rows = [
        f"| {s} | {len(ds)} | {', '.join(sorted({d.story_id for d in ds}))} | "
        f"{', '.join(d.doc_id for d in ds)} |"
        for s, ds in by_split.items()
    ]
    return "| split | documents | stories | doc ids |\n|---|---:|---|---|\n" + "\n".join(rows)


def _folds_table(folds: list[dict]) -> str:
    rows = [
        f"| {f['fold']} | {f['heldout_story']} | {', '.join(f['train'])} | {', '.join(f['test'])} |"
        for f in folds
    ]
    return "| fold | held-out story | train | test |\n|---:|---|---|---|\n" + "\n".join(rows)


def _files_table(files: dict, blobs: dict[str, bytes]) -> str:
    rows = [
        f"| `{f['path']}` | {f['rows']} | {f['bytes']} | `{f['sha256']}` |" for f in files.values()
    ]
    for rel in ("folds.json", "label_distribution.png"):
        data = blobs[rel]
        rows.append(f"| `{rel}` | — | {len(data)} | `{hashlib.sha256(data).hexdigest()}` |")
    return "| file | rows | bytes | sha256 |\n|---|---:|---:|---|\n" + "\n".join(rows)
