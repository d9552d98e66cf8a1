"""`tarifftalks ingest FILE…`: new source documents into seeds/ and the manifest (SPEC §10).

Per file, in the order given: refuse empty, binary and non-UTF-8 input (one line naming the
file); report an exact duplicate (same sha256) and skip it; otherwise infer the metadata, find a
near-duplicate among the documents ingested before, decide the story, store the bytes unchanged
as `seeds/<NNN>_<sha16>.txt` and append the manifest row. Each file is committed before the next
is read, so the files before a bad one stay ingested; the bad one stops the run (exit 2) and
leaves nothing of itself behind: its seed file is removed again if the row cannot be written.
Existing rows are never rewritten (the manifest grows by atomic rewrite of old bytes + new line).

Authored documents (`--authored FACTS_JSON`) are the project's own texts: the JSON states their
occasion, date, facts and sources; their rows get `authored: true` and the stated date. Their
`outlet` is null whatever their layout imitates: no agency wrote them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import paths
from ..errors import UserError
from .documents import read_text
from .manifest import (
    DOC_PREFIX,
    append_rows,
    doc_id_of,
    doc_number,
    file_name_of,
    read_rows,
)
from .metadata import Published, infer_metadata
from .similarity import PARAPHRASE_THRESHOLD, ShingleIndex, paraphrase_score, sentence_sets
from .stories import Decision, Profile, StoryIndex, profile

AUTHORED_KEYS: dict[str, type] = {
    "occasion": str,
    "published": str,
    "facts": list,
    "reported_by": list,
    "layout": str,
}
# Stories whose members are checked for a paraphrase, and how many members of each.
PARAPHRASE_STORIES = 3
PARAPHRASE_MEMBERS = 200


@dataclass
class Outcome:
    path: str
    status: str  # "ingested" | "duplicate" | "would ingest" (dry run)
    doc_id: str | None = None
    row: dict[str, Any] | None = None
    duplicate_of: str | None = None
    near_duplicate: str | None = None
    story: Decision | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "status": self.status, "doc_id": self.doc_id}
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        if self.row is not None:
            out["row"] = self.row
        if self.near_duplicate:
            out["near_duplicate"] = self.near_duplicate
        if self.story is not None:
            out["story"] = {
                "story_id": self.story.story_id,
                "opened": self.story.opened,
                "score": self.story.score,
                "evidence": self.story.evidence,
            }
        return out


class Corpus:
    """The root's documents as ingest needs them: hashes, shingle index, sentences, stories."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows: list[dict[str, Any]] = []
        self.by_sha: dict[str, str] = {}
        self.index = ShingleIndex()
        self.sentences: dict[str, list[frozenset[str]]] = {}
        self.published: dict[str, str | None] = {}
        self.stories = StoryIndex()
        self.next_number = 0

    @classmethod
    def load(cls, root: Path) -> Corpus:
        corpus = cls(root)
        seeds = paths.seeds_dir(root)
        for row in read_rows(root, missing_ok=True):
            text = read_text(seeds / str(row["file"]), row["sha256"], row["doc_id"])
            published = row["published"] if isinstance(row["published"], str) else None
            corpus.remember(row, text, profile(text, published))
        return corpus

    def remember(self, row: dict[str, Any], text: str, prof: Profile) -> None:
        doc_id = row["doc_id"]
        self.rows.append(row)
        self.by_sha[row["sha256"]] = doc_id
        self.index.insert(doc_id, self.index.sketch(text))
        self.sentences[doc_id] = sentence_sets(text)
        self.published[doc_id] = row["published"]
        self.stories.add(doc_id, str(row["story_id"]), prof)
        n = doc_number(doc_id)
        if n is not None:
            self.next_number = max(self.next_number, n + 1)

    def near_duplicate(self, text: str, candidates: list[str]) -> tuple[str | None, str]:
        """The earliest-ingested document this text copies (shingles) or paraphrases."""
        order = {r["doc_id"]: i for i, r in enumerate(self.rows)}
        matches = self.index.query(self.index.sketch(text))
        if matches:
            best = min(matches, key=lambda m: order[m.key])
            return best.key, f"shingle Jaccard {best.jaccard:.2f} with {best.key}"
        mine = sentence_sets(text)
        for doc_id in sorted(candidates, key=order.__getitem__):
            s = paraphrase_score(mine, self.sentences[doc_id])
            if s >= PARAPHRASE_THRESHOLD:
                return doc_id, f"paraphrase: {s:.2f} of sentences align with {doc_id}"
        return None, ""


def check_bytes(path: Path) -> tuple[bytes, str]:
    """The file's bytes and text, or a one-line UserError naming it."""
    try:
        if not path.is_file():
            raise UserError(f"{path}: not a file")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise UserError(f"{path}: empty file, nothing to ingest")
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in data or controls > max(2, len(data) // 100):
        raise UserError(f"{path}: binary file (control bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return data, text


def _iso_date(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise UserError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UserError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


def read_authored(path: Path) -> dict[str, dict[str, Any]]:
    """The authored documents' facts: basename -> {occasion, published, facts, reported_by,
    layout}, every value's shape checked."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not data:
        raise UserError(f"{path}: expected a non-empty JSON object: file name -> facts")
    out = {}
    for name, entry in data.items():
        where = f"{path}: {name!r}"
        if not name or "/" in name or "\\" in name:
            raise UserError(f"{where}: keys are file basenames")
        if not isinstance(entry, dict):
            raise UserError(f"{where}: expected an object")
        missing = sorted(set(AUTHORED_KEYS) - set(entry))
        unknown = sorted(set(entry) - set(AUTHORED_KEYS))
        if missing or unknown:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"unknown {', '.join(unknown)}"] if unknown else []
            )
            raise UserError(f"{where}: {'; '.join(parts)}")
        for key, typ in AUTHORED_KEYS.items():
            if not isinstance(entry[key], typ):
                raise UserError(f"{where}: {key} must be a {typ.__name__}")
        for key in ("facts", "reported_by"):
            if not entry[key] or not all(isinstance(x, str) and x.strip() for x in entry[key]):
                raise UserError(f"{where}: {key} must be a non-empty list of non-empty strings")
        if not entry["occasion"].strip():
            raise UserError(f"{where}: occasion is empty")
        published = _iso_date(entry["published"], f"{where}: published")
        out[name] = {**entry, "published": published}
    return out


def _url(value: str, where: str) -> tuple[str, str]:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{where}: {value!r} is not an http(s) URL")
    return value, parts.hostname


def read_sources(path: Path) -> dict[str, dict[str, Any]]:
    """A TSV with a header `file<TAB>url` (optional `retrieved`, `truncated` columns)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    if not rows or not {"file", "url"} <= set(rows[0]):
        raise UserError(f"{path}: expected a header line with columns file and url (TAB-separated)")
    head = rows[0]
    out = {}
    for n, cells in enumerate(rows[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(head):
            raise UserError(f"{path}:{n}: {len(cells)} column(s), the header has {len(head)}")
        rec = dict(zip(head, (c.strip() for c in cells), strict=True))
        url, site = _url(rec["url"], f"{path}:{n}")
        entry: dict[str, Any] = {"source_url": url, "site": site}
        if rec.get("retrieved"):
            entry["retrieved"] = _iso_date(rec["retrieved"], f"{path}:{n}: retrieved")
        if rec.get("truncated"):
            flag = rec["truncated"].lower()
            if flag not in ("true", "false", "yes", "no", "1", "0"):
                raise UserError(f"{path}:{n}: truncated must be true or false")
            entry["truncated"] = flag in ("true", "yes", "1")
        out[rec["file"]] = entry
    return out


def plan(
    corpus: Corpus,
    path: Path,
    sources: dict[str, Any],
    authored: dict[str, Any] | None,
) -> tuple[Outcome, bytes, str, Profile | None]:
    """Everything about one file, decided but nothing written."""
    data, text = check_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    if sha in corpus.by_sha:
        return Outcome(str(path), "duplicate", duplicate_of=corpus.by_sha[sha]), data, text, None
    n = corpus.next_number
    doc_id = doc_id_of(n)
    meta = infer_metadata(text)
    published = meta.published
    outlet = meta.outlet
    if authored is not None:
        published = Published(authored["published"], "stated", "authored: date given by the author")
        outlet = None
    prof = profile(text, published.date)
    # A rewrite reports the same occasion: look for one only in stories nothing contradicts.
    candidates = [
        m
        for score, sid, _ in corpus.stories.ranked(prof)[:PARAPHRASE_STORIES]
        if score >= 0
        for m in corpus.stories.stories[sid].members[:PARAPHRASE_MEMBERS]
    ]
    near, near_why = corpus.near_duplicate(text, candidates)
    notes = []
    if near is not None and published.date is None and corpus.published.get(near):
        published = Published(
            corpus.published[near],
            "inferred",
            f"Near-duplicate of {near} (same facts, other words), so dated with it.",
        )
        prof = profile(text, published.date)
    decision = corpus.stories.assign(doc_id, prof, near)
    if prof.evidence:
        notes.append("central event: " + "; ".join(prof.evidence))
    row: dict[str, Any] = {
        "doc_id": doc_id,
        "file": file_name_of(n, sha),
        "sha256": sha,
        "outlet": outlet,
        "title": meta.title,
        "published": published.date,
        "published_basis": published.basis,
        "published_reason": published.reason,
        "story_id": decision.story_id,
        "near_duplicate_of": near,
        "source_url": sources.get("source_url"),
        "site": sources.get("site"),
        "retrieved": sources.get("retrieved"),
        "truncated": sources.get("truncated", meta.truncated),
        "authored": authored is not None,
        "occasion": authored["occasion"] if authored else None,
        "facts": list(authored["facts"]) if authored else None,
        "reported_by": list(authored["reported_by"]) if authored else None,
    }
    out = Outcome(str(path), "ingested", doc_id, row, near_duplicate=near_why or None)
    out.story, out.notes = decision, notes
    return out, data, text, prof


def commit(corpus: Corpus, outcome: Outcome, data: bytes, text: str, prof: Profile) -> None:
    """Write the seed file, then the row; if the row fails, the file goes again."""
    from ..io import write_bytes_atomic

    row = outcome.row
    assert row is not None
    target = paths.seeds_dir(corpus.root) / row["file"]
    existed = target.exists()
    try:
        write_bytes_atomic(target, data)
    except OSError as exc:
        raise UserError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        append_rows(corpus.root, [row])
    except BaseException:
        if not existed:
            target.unlink(missing_ok=True)
        raise
    corpus.remember(row, text, prof)


def describe(o: Outcome) -> list[str]:
    if o.status == "duplicate":
        return [f"{o.path}: exact duplicate of {o.duplicate_of} (same sha256), skipped"]
    r = o.row or {}
    pub = r.get("published") or "unknown"
    head = (
        f"{o.path}: {o.status} as {o.doc_id} (seeds/{r.get('file')}): outlet {r.get('outlet')}, "
        f"published {pub}" + (f" ({r['published_basis']})" if r.get("published_basis") else "")
    )
    lines = [head]
    lines += [f"  {n}" for n in o.notes]
    if o.near_duplicate:
        lines.append(f"  near-duplicate of {r.get('near_duplicate_of')}: {o.near_duplicate}")
    if o.story is not None:
        verb = "opens" if o.story.opened else "joins"
        lines.append(f"  story: {verb} {o.story.story_id} — {o.story.evidence}")
    return lines


def ingest(
    root: Path,
    files: list[Path],
    sources: dict[str, dict[str, Any]] | None = None,
    authored: dict[str, dict[str, Any]] | None = None,
    retrieved: str | None = None,
    dry_run: bool = False,
    log: Callable[[str], None] = print,
) -> list[Outcome]:
    """Ingest `files` in order; returns what happened to each. A bad file raises UserError after
    the ones before it were committed (their outcomes were logged)."""
    sources = sources or {}
    if authored is not None:
        missing = [str(f) for f in files if f.name not in authored]
        if missing:
            raise UserError(f"--authored: no entry for {', '.join(missing)}")
    corpus = Corpus.load(root)
    outcomes: list[Outcome] = []
    for path in files:
        src = dict(sources.get(str(path)) or sources.get(path.name) or {})
        if retrieved and "retrieved" not in src:
            src["retrieved"] = retrieved
        outcome, data, text, prof = plan(
            corpus, path, src, authored.get(path.name) if authored is not None else None
        )
        if outcome.status == "ingested":
            if dry_run:
                outcome.status = "would ingest"
                assert outcome.row is not None and prof is not None
                corpus.remember(outcome.row, text, prof)
            else:
                assert prof is not None
                commit(corpus, outcome, data, text, prof)
        outcomes.append(outcome)
        for line in describe(outcome):
            log(line)
    return outcomes


def cmd_ingest(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else paths.repo_root()
    if not root.is_dir():
        raise UserError(f"{root}: --root is not a folder")
    files = [Path(f) for f in args.files]
    sources: dict[str, dict[str, Any]] = {}
    if args.url:
        if len(files) != 1:
            raise UserError("--url names the source of one file; use --sources TSV for several")
        url, site = _url(args.url, "--url")
        sources[str(files[0])] = {"source_url": url, "site": site}
    elif args.sources:
        sources = read_sources(Path(args.sources))
        missing = [str(f) for f in files if str(f) not in sources and f.name not in sources]
        if missing:
            raise UserError(f"{args.sources}: no row for {', '.join(missing)}")
    retrieved = _iso_date(args.retrieved, "--retrieved") if args.retrieved else None
    authored = read_authored(Path(args.authored)) if args.authored else None
    done: list[Outcome] = []

    def log(line: str) -> None:
        print(line, file=sys.stderr if args.json else sys.stdout)

    try:
        done = ingest(root, files, sources, authored, retrieved, args.dry_run, log)
    finally:
        if args.json:
            print(json.dumps([o.as_json() for o in done], ensure_ascii=False, indent=2))
    n_new = sum(o.status != "duplicate" for o in done)
    verb = "would ingest" if args.dry_run else "ingested"
    log(f"{verb} {n_new} document(s), {len(done) - n_new} duplicate(s) skipped")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="add articles to seeds/ and the manifest: metadata, near-duplicates, story",
        description="Store each FILE byte-for-byte under seeds/ with the next doc id "
        f"({DOC_PREFIX}NNN) and append its manifest row; exact duplicates are skipped.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="text files (UTF-8)")
    p.add_argument("--root", help="checkout root (default: this checkout)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--url", help="the source URL of the one FILE")
    src.add_argument("--sources", metavar="TSV", help="TSV with columns file, url [, retrieved]")
    p.add_argument("--retrieved", metavar="DATE", help="the day the files were fetched (ISO)")
    p.add_argument(
        "--authored",
        metavar="FACTS_JSON",
        help="documents the project wrote: JSON basename -> {occasion, published, facts, "
        "reported_by, layout}",
    )
    p.add_argument("--dry-run", action="store_true", help="decide and print, write nothing")
    p.add_argument("--json", action="store_true", help="print the outcomes as JSON on stdout")
    p.set_defaults(func=cmd_ingest)
