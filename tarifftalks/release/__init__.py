"""`tarifftalks build`: validated gold → dataset/ (Parquet configs, card, croissant, folds).

Everything is computed in memory, written to a staging folder beside the target and swapped in
only when complete (`io.staged_dir`), so a failed or killed build leaves the previous dataset/
untouched or recoverable by the next command.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .. import paths
from ..agreement import agreement_markdown
from ..audit import audit_markdown
from ..corpus import load_documents, read_manifest
from ..corpus.status import pending_line, statuses
from ..errors import UserError
from ..gold import read_kb
from ..io import check_output_dir, staged_dir
from ..splits import SPLITS, loso_folds, loso_folds_all, split_of_documents, unfrozen_stories
from ..validate import read_valid_gold_dir
from . import card, croissant, figures, stats
from .features import CONFIGS, FEATURES
from .parquet import parquet_bytes
from .records import rows_of_config


def check_gold(root: Path | None = None) -> tuple[list, dict[str, dict[str, Any]]]:
    """The adjudicated documents (those with gold) and their gold, or a UserError naming the
    first problem (and how many there are). Documents without gold are pending, not built."""
    docs = load_documents(root)
    gold = read_valid_gold_dir(
        paths.gold_dir(root), docs, read_kb(paths.kb_path(root)), require_all=False
    )
    return [d for d in docs if d.doc_id in gold], gold


def build_dataset(root: Path | None = None, out: Path | None = None, log=print) -> dict[str, Any]:
    root = root or paths.repo_root()
    out = check_output_dir(Path(out) if out else paths.dataset_dir(root))
    docs, gold = check_gold(root)
    if not docs:
        raise UserError(f"{paths.gold_dir(root)}: no adjudicated document to build")
    status = statuses([r["doc_id"] for r in read_manifest(root)], root)
    pending = pending_line(status)
    if pending:
        log(f"  {pending}")
    split_of = split_of_documents(docs, root)
    for story in unfrozen_stories(docs, root):
        log(f"  note: story {story} is not in annotation/splits.json; its documents go to train")
    by_split = {s: [d for d in docs if split_of[d.doc_id] == s] for s in SPLITS}

    blobs: dict[str, bytes] = {}
    files: dict[tuple[str, str], dict[str, Any]] = {}
    for config in CONFIGS:
        features = FEATURES[config]()
        # A split without documents is left out: `load_dataset` cannot read an empty Parquet file.
        for split in (s for s in SPLITS if by_split[s]):
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
        log(
            f"  {config:<12}"
            + "  ".join(f"{s}={f['rows']}" for (c, s), f in files.items() if c == config)
        )

    folds = loso_folds(docs)
    blobs["folds.json"] = (json.dumps(folds, indent=2) + "\n").encode()
    blobs["folds_with_challenge.json"] = (
        json.dumps(loso_folds_all(docs), indent=2) + "\n"
    ).encode()
    fingerprint = hashlib.sha256(
        "".join(f"{f['path']} {f['sha256']}\n" for f in files.values()).encode()
        + blobs["folds.json"]
        + blobs["folds_with_challenge.json"]
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
        "audit": audit_markdown(root),
        "pending": _pending_text(status),
        "software_versions": card.software_versions_table(),
    }
    header = card.yaml_header(static, fingerprint, files)
    blobs["README.md"] = card.render_card(source, header, tables).encode("utf-8")
    blobs["croissant.json"] = croissant.croissant_json(static, files, fingerprint).encode("utf-8")

    with staged_dir(out) as staging:
        for rel, data in sorted(blobs.items()):
            p = staging / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    pending_ids = sorted(d for d, s in status.items() if s != "adjudicated")
    return {
        "out": out,
        "files": files,
        "fingerprint": fingerprint,
        "documents": len(docs),
        "pending": pending_ids,
    }


def _pending_text(status: dict[str, str]) -> str:
    pending = [s for s in status.values() if s != "adjudicated"]
    return (
        f"Pending: {len(pending)} document(s) of the corpus await annotation or adjudication and "
        f"are not in this release ({pending.count('passes')} with annotation passes, "
        f"{pending.count('unannotated')} unannotated)."
    )


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
    for rel in ("folds.json", "folds_with_challenge.json", "label_distribution.png"):
        data = blobs[rel]
        rows.append(f"| `{rel}` | — | {len(data)} | `{hashlib.sha256(data).hexdigest()}` |")
    return "| file | rows | bytes | sha256 |\n|---|---:|---:|---|\n" + "\n".join(rows)
