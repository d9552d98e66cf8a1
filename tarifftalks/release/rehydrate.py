"""`tarifftalks rehydrate --articles DIR [--standoff DIR] [--out DIR]`: the text-free form plus a
user's own copies of the articles -> a full dataset folder whose tables equal `dataset/`'s.

A document's text is taken from the file in DIR (searched recursively) whose sha256 is the one
the `documents` table records; the project's own texts come from the text-free folder's
`texts/`. A file named like a document (its `file` name, or `<doc_id>.txt`) whose sha256
differs is refused, one line per document: its offsets would point at other characters. Nothing
is written unless every document is found.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import UserError
from ..io import present, staged_dir
from ..splits import SPLITS
from . import STANDOFF_SUFFIX, _files_table, _fingerprint, _tables, card, croissant
from .features import CONFIGS, FEATURES
from .standoff import TEXTS_DIR, refill_row

REHYDRATED_NOTE = (
    "**This folder was written by `tarifftalks rehydrate`** from the text-free form and the "
    "user's own copies of the articles (sha256-checked): its tables equal those of the full "
    "form. It holds the publishers' texts: keep it for your own research and do not republish "
    "it (see [Licence](#licence))."
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _standoff_tables(standoff: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The text-free tables (stored values: labels as ids), refusing a folder of another kind."""
    import pyarrow.parquet as pq

    out = {}
    for config in CONFIGS:
        for split in SPLITS:
            path = standoff / "data" / config / f"{split}.parquet"
            if present(path):
                table = pq.read_table(path)
                if config == "documents" and "title_span" not in table.column_names:
                    raise UserError(f"{standoff}: not a text-free TariffTalks folder ({path})")
                out[(config, split)] = table.to_pylist()
    if not any(c == "documents" for c, _ in out):
        raise UserError(f"{standoff}: no data/documents/*.parquet (not a text-free folder)")
    return out


def find_texts(
    docs: list[dict[str, Any]], standoff: Path, articles: Path
) -> tuple[dict[str, str], list[str]]:
    """doc_id -> text for every document found; and one problem line per document not."""
    if not articles.is_dir():
        raise UserError(f"{articles}: not a folder (give the folder holding your copies)")
    files = sorted(p for p in articles.rglob("*") if p.is_file())
    by_hash: dict[str, Path] = {}
    for p in files:
        by_hash.setdefault(_sha256(p), p)
    by_name: dict[str, list[Path]] = {}
    for p in files:
        by_name.setdefault(p.name, []).append(p)
    texts: dict[str, str] = {}
    problems: list[str] = []
    for d in docs:
        doc_id, want = d["doc_id"], d["sha256"]
        own = standoff / TEXTS_DIR / d["file"]
        found = own if d["authored"] and present(own) and _sha256(own) == want else None
        found = found or by_hash.get(want)
        if found is not None:
            texts[doc_id] = found.read_bytes().decode("utf-8")
            continue
        named = by_name.get(d["file"], []) + by_name.get(f"{doc_id}.txt", [])
        if named:
            got = _sha256(named[0])
            problems.append(
                f"{named[0]}: sha256 {got[:16]}… differs from {doc_id}'s {want[:16]}…; refused "
                "(the annotations' offsets are into the exact file they were made on)"
            )
        else:
            problems.append(
                f"{doc_id}: no file under {articles} with sha256 {want} (its file: {d['file']})"
            )
    return texts, problems


def _replace_block(body: str, name: str, content: str) -> str:
    block = re.compile(rf"<!-- generated:{name} -->\n.*?\n<!-- /generated:{name} -->", re.S)
    return block.sub(
        lambda _: f"<!-- generated:{name} -->\n{content}\n<!-- /generated:{name} -->", body
    )


def rehydrate(standoff: Path, articles: Path, out: Path) -> dict[str, Any]:
    standoff, out = Path(standoff), Path(out)
    if out.resolve() == standoff.resolve() or out.resolve() == Path(articles).resolve():
        raise UserError(f"{out}: choose an output folder other than the inputs")
    card_path = standoff / "README.md"
    if not present(card_path):
        raise UserError(f"{standoff}: no README.md (not a TariffTalks dataset folder)")
    tables = _standoff_tables(standoff)
    docs = sorted(
        (r for (c, _), rows in tables.items() if c == "documents" for r in rows),
        key=lambda r: r["doc_id"],
    )
    texts, problems = find_texts(docs, standoff, Path(articles))
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        raise UserError(
            f"{len(problems)} of {len(docs)} documents not found with their sha256 (listed "
            "above); nothing written"
        )
    full = {
        (config, split): [refill_row(config, r, texts[r["doc_id"]]) for r in rows]
        for (config, split), rows in tables.items()
    }
    files, blobs = _tables(full, FEATURES)
    for p in sorted(standoff.rglob("*")):
        rel = p.relative_to(standoff).as_posix()
        top = rel.split("/")[0]
        if p.is_file() and top not in ("data", TEXTS_DIR, "README.md", "croissant.json"):
            blobs[rel] = p.read_bytes()
    fingerprint = _fingerprint(files, blobs)
    meta, body = card.split_front_matter(card_path.read_text(encoding="utf-8"), str(card_path))
    static = {k: v for k, v in meta.items() if k not in card.GENERATED_KEYS}
    body = _replace_block(body, "form", REHYDRATED_NOTE)
    body = _replace_block(body, "files", _files_table(files, blobs))
    body = _replace_block(body, "fingerprint", f"Content fingerprint: `{fingerprint}`")
    blobs["README.md"] = (card.yaml_header(static, fingerprint, files) + body).encode("utf-8")
    blobs["croissant.json"] = croissant.croissant_json(static, files, fingerprint).encode()
    with staged_dir(out) as staging:
        for rel, data in sorted(blobs.items()):
            p = staging / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    return {"out": out, "documents": len(docs), "files": files}


def default_out(standoff: Path) -> Path:
    name = standoff.name
    base = name[: -len(STANDOFF_SUFFIX)] if name.endswith(STANDOFF_SUFFIX) else name
    return standoff.parent / f"{base}-rehydrated"


def cmd_rehydrate(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    standoff = Path(args.standoff) if args.standoff else paths.output_dir("dataset-standoff", root)
    if not standoff.is_dir():
        raise UserError(f"{standoff}: no text-free folder there (give --standoff DIR)")
    out = Path(args.out) if args.out else default_out(standoff)
    result = rehydrate(standoff, Path(args.articles), out)
    print(f"rehydrated {result['documents']} documents into {result['out']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rehydrate",
        help="refill the text-free form from your own copies of the articles (sha256-checked)",
        description=(
            "Write a full dataset folder from the text-free form (dataset-standoff/) and your "
            "own copies of the articles: each document's text is the file under --articles "
            "whose sha256 the dataset records. Any document without such a file is listed "
            "and nothing is written."
        ),
    )
    p.add_argument("--articles", required=True, help="folder holding your copies (searched)")
    p.add_argument("--standoff", help="the text-free folder (default: <root>/dataset-standoff)")
    p.add_argument(
        "--out", help="output folder (default: beside the text-free one, `…-rehydrated`)"
    )
    p.add_argument("--root", help="checkout root (default: this checkout)")
    p.set_defaults(func=cmd_rehydrate)
