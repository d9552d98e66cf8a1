"""`tarifftalks build`: validated gold → dataset/ (Parquet configs, card, croissant, folds, the
shipped KB and event registry, LICENSE.md) and its text-free twin dataset-standoff/
(`standoff`: the same without the articles' words; `tarifftalks rehydrate` refills it).

Everything is computed in memory, written to staging folders beside the targets and swapped in
only when both are complete (`io.staged_dir`), so a failed or killed build leaves the previous
folders untouched or recoverable by the next command.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .. import paths
from ..agreement import agreement_markdown
from ..audit import audit_markdown
from ..convert import formats_table
from ..corpus import load_documents, read_manifest
from ..corpus.status import pending_line, statuses
from ..errors import UserError
from ..gold import read_kb
from ..io import check_output_dir, check_replaceable, staged_dir
from ..splits import SPLITS, loso_folds, loso_folds_all, split_of_documents, unfrozen_stories
from ..validate import read_valid_gold_dir
from . import card, croissant, figures, licence, stats
from .features import CONFIGS, FEATURES
from .leaderboard import leaderboard_from
from .parquet import parquet_bytes
from .records import rows_of_config
from .references import KB_FILE, REGISTRY_FILE, reference_blobs
from .standoff import TEXTS_DIR, standoff_features, strip_row

STANDOFF_SUFFIX = "-standoff"
STANDOFF_FEATURES = {c: (lambda c=c: standoff_features(c)) for c in CONFIGS}
# Files both forms hold besides the tables (and the card, croissant.json, the figure).
SHARED_FILES = ("folds.json", "folds_with_challenge.json", KB_FILE, REGISTRY_FILE)
CROISSANT_NAMES = {"full": "TariffTalks", "standoff": "TariffTalks (text-free form)"}
FORM_NOTES = {
    "full": (
        "**This folder is the full form** (`dataset/`): its tables carry the article texts. "
        "Keep it for your own research and do not republish it (see [Licence](#licence)). "
        "The text-free form `dataset-standoff/` has the same configs, splits and features "
        "without the texts; `tarifftalks rehydrate` turns it back into a folder like this one."
    ),
    "standoff": (
        "**This folder is the text-free form** (`dataset-standoff/`): the configs, splits and "
        "features of the full form without any field that carries an article's words (`text`, "
        "`title`, `tokens`, and the `text` of lines, sentences, mentions, triggers and "
        "arguments; the title's place stays as `title_span`). It may be shared under CC BY 4.0 "
        "(see [Licence](#licence)). The project's own texts (the `challenge` split) are in "
        "`texts/`. To get the article texts back, run `tarifftalks rehydrate --articles DIR` "
        "on your own copies (see [Text-free form and rehydration]"
        "(#text-free-form-and-rehydration))."
    ),
}


def check_gold(root: Path | None = None) -> tuple[list, dict[str, dict[str, Any]]]:
    """The adjudicated documents (those with gold) and their gold, or a UserError naming the
    first problem (and how many there are). Documents without gold are pending, not built."""
    docs = load_documents(root)
    gold = read_valid_gold_dir(
        paths.gold_dir(root), docs, read_kb(paths.kb_path(root)), require_all=False
    )
    return [d for d in docs if d.doc_id in gold], gold


def standoff_dir(out: Path) -> Path:
    """The text-free folder beside a full one: `dataset/` -> `dataset-standoff/`."""
    return out.parent / f"{out.name}{STANDOFF_SUFFIX}"


def _tables(
    rows: dict[tuple[str, str], list[dict[str, Any]]], features_of: card.FeaturesOf
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, bytes]]:
    """Parquet per (config, split) in CONFIGS x SPLITS order: file records and bytes."""
    files: dict[tuple[str, str], dict[str, Any]] = {}
    blobs: dict[str, bytes] = {}
    for (config, split), config_rows in rows.items():
        data = parquet_bytes(config_rows, features_of[config]())
        rel = f"data/{config}/{split}.parquet"
        blobs[rel] = data
        files[(config, split)] = {
            "path": rel,
            "rows": len(config_rows),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    return files, blobs


def _fingerprint(files: dict, blobs: dict[str, bytes]) -> str:
    """Over the tables' hashes and every shared file (folds, references), in a fixed order."""
    digest = hashlib.sha256(
        "".join(f"{f['path']} {f['sha256']}\n" for f in files.values()).encode()
    )
    for rel in SHARED_FILES:
        digest.update(blobs[rel])
    return digest.hexdigest()


def build_dataset(root: Path | None = None, out: Path | None = None, log=print) -> dict[str, Any]:
    """Write the full form (`out`, default dataset/) and the text-free form beside it
    (`<out>-standoff`, default dataset-standoff/), both swapped in only when both are written."""
    root = root or paths.repo_root()
    out = check_output_dir(Path(out) if out else paths.dataset_dir(root))
    so_out = check_output_dir(standoff_dir(out))
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
    texts = {d.doc_id: d.text for d in docs}

    # A split without documents is left out: `load_dataset` cannot read an empty Parquet file.
    rows = {
        (config, split): [
            r for d in by_split[split] for r in rows_of_config(config, d, gold[d.doc_id])
        ]
        for config in CONFIGS
        for split in SPLITS
        if by_split[split]
    }
    so_rows = {
        key: [strip_row(key[0], r, texts[r["doc_id"]]) for r in config_rows]
        for key, config_rows in rows.items()
    }
    files, blobs = _tables(rows, FEATURES)
    so_files, so_blobs = _tables(so_rows, STANDOFF_FEATURES)
    for config in CONFIGS:
        log(
            f"  {config:<12}"
            + "  ".join(f"{s}={f['rows']}" for (c, s), f in files.items() if c == config)
        )

    folds = loso_folds(docs)
    shared: dict[str, bytes] = {
        "folds.json": (json.dumps(folds, indent=2) + "\n").encode(),
        "folds_with_challenge.json": (json.dumps(loso_folds_all(docs), indent=2) + "\n").encode(),
        **reference_blobs(root),
        licence.LICENSE_FILE: licence.license_file().encode("utf-8"),
    }
    golds_by_split = {s: [gold[d.doc_id] for d in by_split[s]] for s in SPLITS}
    counts = stats.label_counts(golds_by_split)
    shared["label_distribution.png"] = figures.label_distribution_png(counts)
    blobs.update(shared)
    so_blobs.update(shared)
    # The project's own texts ship in the text-free form too, byte for byte (CC BY 4.0).
    for d in docs:
        if d.authored:
            so_blobs[f"{TEXTS_DIR}/{d.file}"] = d.text.encode("utf-8")

    card_path = root / "DATASET_CARD.md"
    if not card_path.is_file():
        raise UserError(f"{card_path}: card source missing")
    source = card_path.read_text(encoding="utf-8")
    static, _ = card.split_front_matter(source)
    first = next(by_split[s][0] for s in SPLITS if by_split[s])
    examples = {c: rows_of_config(c, first, gold[first.doc_id])[0] for c in CONFIGS}
    common = {
        **card.inventory_tables(),
        **{f"counts_{k.replace(' ', '_')}": stats.counts_table(k, v) for k, v in counts.items()},
        "zero_mentions": stats.zero_mentions(counts),
        "corpus_stats": stats.corpus_table(rows),
        "splits": _splits_table(by_split),
        "folds": _folds_table(folds),
        "agreement": agreement_markdown(root),
        "audit": audit_markdown(root),
        "pending": _pending_text(status),
        "software_versions": card.software_versions_table(),
        "licence": licence.licence_markdown(),
        "leaderboard": leaderboard_from(root),
        "formats": formats_table(),
        "citation": "```bibtex\n" + card.citation(static) + "\n```",
    }
    forms = (
        ("full", files, blobs, FEATURES),
        ("standoff", so_files, so_blobs, STANDOFF_FEATURES),
    )
    fingerprints = {}
    for form, form_files, form_blobs, features_of in forms:
        fingerprint = _fingerprint(form_files, form_blobs)
        fingerprints[form] = fingerprint
        tables = {
            **common,
            "form": FORM_NOTES[form],
            "files": _files_table(form_files, form_blobs),
            "fingerprint": f"Content fingerprint: `{fingerprint}`",
            **{
                f"example_{c}": card.example_block(
                    row if form == "full" else strip_row(c, row, first.text)
                )
                for c, row in examples.items()
            },
        }
        header = card.yaml_header(static, fingerprint, form_files, features_of)
        form_blobs["README.md"] = card.render_card(source, header, tables).encode("utf-8")
        form_blobs["croissant.json"] = croissant.croissant_json(
            static, form_files, fingerprint, features_of, CROISSANT_NAMES[form]
        ).encode("utf-8")

    # Both folders are checked before either is swapped, so a refused target leaves no half.
    for target, form_blobs in ((out, blobs), (so_out, so_blobs)):
        check_replaceable(target, {rel.split("/")[0] for rel in form_blobs})
    with staged_dir(out) as staging, staged_dir(so_out) as so_staging:
        for folder, form_blobs in ((staging, blobs), (so_staging, so_blobs)):
            for rel, data in sorted(form_blobs.items()):
                p = folder / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(data)
    pending_ids = sorted(d for d, s in status.items() if s != "adjudicated")
    return {
        "out": out,
        "standoff": so_out,
        "files": files,
        "standoff_files": so_files,
        "fingerprint": fingerprints["full"],
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
    """Every file of a folder but the card and croissant.json (which list the others)."""
    rows = [
        f"| `{f['path']}` | {f['rows']} | {f['bytes']} | `{f['sha256']}` |" for f in files.values()
    ]
    tables = {f["path"] for f in files.values()}
    for rel in sorted(set(blobs) - tables - {"README.md", "croissant.json"}):
        data = blobs[rel]
        rows.append(f"| `{rel}` | — | {len(data)} | `{hashlib.sha256(data).hexdigest()}` |")
    return "| file | rows | bytes | sha256 |\n|---|---:|---:|---|\n" + "\n".join(rows)
