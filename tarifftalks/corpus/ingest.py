"""`tarifftalks ingest FILE…`: new source documents into seeds/ and the manifest (docs/DESIGN.md
§10).

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

from datasketch import LeanMinHash

from .. import paths
from ..errors import UserError
from ..io import parse_json
from .documents import read_text
from .manifest import (
    DOC_PREFIX,
    append_rows,
    doc_id_of,
    doc_number,
    file_name_of,
    read_rows,
)
from .metadata import Metadata, Published, infer_metadata
from .similarity import PARAPHRASE_THRESHOLD, ShingleIndex, paraphrase_score, sentence_sets
from .stories import Decision, Profile, StoryIndex, profile

AUTHORED_KEYS: dict[str, type] = {
    "occasion": str,
    "published": str,
    "facts": list,
    "reported_by": list,
    "layout": str,
}
# A rewrite is looked for among the first members of the story an article joins (originals come
# first: near_duplicate_of points to the earlier document); their sentence sets are kept.
PARAPHRASE_MEMBERS = 5


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


@dataclass(frozen=True)
class Analysis:
    """What a text says about itself, computed without the corpus (so it can run anywhere)."""

    sha256: str
    text: str
    meta: Metadata
    published: Published  # the text's own date, or the author's for authored documents
    sketch: LeanMinHash
    profile: Profile
    sentences: list[frozenset[int]]  # for the paraphrase check


def analyze(
    text: str, sha256: str, index: ShingleIndex, published: Published | None = None
) -> Analysis:
    meta = infer_metadata(text)
    published = published or meta.published
    prof = profile(text, published.date, meta.title)
    return Analysis(sha256, text, meta, published, index.sketch(text), prof, sentence_sets(text))


@dataclass(frozen=True)
class Placement:
    """Where a new document goes: its near-duplicate, its date (maybe its original's), story."""

    near_duplicate_of: str | None
    near_why: str
    published: Published
    profile: Profile
    decision: Decision


class Corpus:
    """The root's documents as ingest needs them: hashes, shingle index, texts, stories."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.order: dict[str, int] = {}
        self.by_sha: dict[str, str] = {}
        self.index = ShingleIndex()
        self.texts: dict[str, str] = {}
        self.published: dict[str, str | None] = {}
        self.stories = StoryIndex()
        self.next_number = 0
        self._sentences: dict[str, list[frozenset[int]]] = {}

    @classmethod
    def load(cls, root: Path) -> Corpus:
        corpus = cls(root)
        seeds = paths.seeds_dir(root)
        for row in read_rows(root, missing_ok=True):
            text = read_text(seeds / str(row["file"]), row["sha256"], row["doc_id"])
            published = row["published"] if isinstance(row["published"], str) else None
            corpus.remember(
                row["doc_id"],
                row["sha256"],
                text,
                corpus.index.sketch(text),
                published,
                str(row["story_id"]),
                profile(text, published),
            )
        return corpus

    def remember(
        self,
        doc_id: str,
        sha256: str,
        text: str,
        sketch: LeanMinHash,
        published: str | None,
        story_id: str,
        prof: Profile,
        sentences: list[frozenset[int]] | None = None,
    ) -> None:
        self.order[doc_id] = len(self.order)
        self.by_sha[sha256] = doc_id
        self.index.insert(doc_id, sketch)
        self.texts[doc_id] = text
        self.published[doc_id] = published
        self.stories.add(doc_id, story_id, prof)
        # Only a story's first members are ever checked for a paraphrase: keep theirs.
        if sentences is not None and len(self.stories.stories[story_id].members) <= (
            PARAPHRASE_MEMBERS
        ):
            self._sentences[doc_id] = sentences
        n = doc_number(doc_id)
        if n is not None:
            self.next_number = max(self.next_number, n + 1)

    def sentences(self, doc_id: str) -> list[frozenset[int]]:
        """Sentence content-word sets of a story's first members (kept once computed)."""
        got = self._sentences.get(doc_id)
        if got is None:
            got = self._sentences[doc_id] = sentence_sets(self.texts[doc_id])
        return got

    def paraphrase_of(self, a: Analysis, story_id: str) -> tuple[str | None, str]:
        """The earliest member of the story that the text retells in other words."""
        mine = a.sentences
        for doc_id in self.stories.stories[story_id].members[:PARAPHRASE_MEMBERS]:
            s = paraphrase_score(mine, self.sentences(doc_id))
            if s >= PARAPHRASE_THRESHOLD:
                return doc_id, f"paraphrase: {s:.2f} of sentences align with {doc_id}"
        return None, ""

    def place(self, doc_id: str, a: Analysis) -> Placement:
        """Near-duplicate and story of a new document (nothing is recorded: see `remember`)."""
        near, why = None, ""
        matches = self.index.query(a.sketch)
        if matches:
            best = min(matches, key=lambda m: self.order[m.key])
            near, why = best.key, f"shingle Jaccard {best.jaccard:.2f} with {best.key}"
        published, prof = a.published, a.profile
        decision = self.stories.assign(doc_id, prof, near)
        if near is None and not decision.opened:
            # A rewrite reports the same occasion: look for one in the story it joins.
            near, why = self.paraphrase_of(a, decision.story_id)
        if near is not None and published.date is None and self.published.get(near):
            published = Published(
                self.published[near],
                "inferred",
                f"Near-duplicate of {near} (same facts, other words), so dated with it.",
            )
            prof = profile(a.text, published.date, a.meta.title)
        return Placement(near, why, published, prof, decision)


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
    data = parse_json(raw, str(path))  # malformed or 100,000 brackets deep: a UserError
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
) -> tuple[Outcome, bytes, Analysis | None, Placement | None]:
    """Everything about one file, decided but nothing written."""
    data, text = check_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    if sha in corpus.by_sha:
        dup = Outcome(str(path), "duplicate", duplicate_of=corpus.by_sha[sha])
        return dup, data, None, None
    n = corpus.next_number
    doc_id = doc_id_of(n)
    stated = None
    if authored is not None:
        stated = Published(authored["published"], "stated", "authored: date given by the author")
    a = analyze(text, sha, corpus.index, stated)
    # No agency wrote an authored document, whatever its layout imitates.
    outlet = None if authored is not None else a.meta.outlet
    place = corpus.place(doc_id, a)
    notes = []
    if place.profile.evidence:
        notes.append("central event: " + "; ".join(place.profile.evidence))
    row: dict[str, Any] = {
        "doc_id": doc_id,
        "file": file_name_of(n, sha),
        "sha256": sha,
        "outlet": outlet,
        "title": a.meta.title,
        "published": place.published.date,
        "published_basis": place.published.basis,
        "published_reason": place.published.reason,
        "story_id": place.decision.story_id,
        "near_duplicate_of": place.near_duplicate_of,
        "source_url": sources.get("source_url"),
        "site": sources.get("site"),
        "retrieved": sources.get("retrieved"),
        "truncated": sources.get("truncated", a.meta.truncated),
        "authored": authored is not None,
        "occasion": authored["occasion"] if authored else None,
        "facts": list(authored["facts"]) if authored else None,
        "reported_by": list(authored["reported_by"]) if authored else None,
    }
    out = Outcome(str(path), "ingested", doc_id, row, near_duplicate=place.near_why or None)
    out.story, out.notes = place.decision, notes
    return out, data, a, place


def record(corpus: Corpus, row: dict[str, Any], a: Analysis, place: Placement) -> None:
    corpus.remember(
        row["doc_id"],
        a.sha256,
        a.text,
        a.sketch,
        row["published"],
        row["story_id"],
        place.profile,
        a.sentences,
    )


def commit(corpus: Corpus, outcome: Outcome, data: bytes, a: Analysis, place: Placement) -> None:
    """Write the seed file, then the row; if the row fails, the file goes again."""
    from ..io import write_bytes_atomic

    row = outcome.row
    assert row is not None and corpus.root is not None
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
    record(corpus, row, a, place)


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
        outcome, data, a, place = plan(
            corpus, path, src, authored.get(path.name) if authored is not None else None
        )
        if outcome.status == "ingested":
            assert outcome.row is not None and a is not None and place is not None
            if dry_run:
                outcome.status = "would ingest"
                record(corpus, outcome.row, a, place)
            else:
                commit(corpus, outcome, data, a, place)
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
