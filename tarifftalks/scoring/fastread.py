"""Reading and validating a large prediction file fast, into columns (`columnar.Side`).

The file is cut into blocks of whole lines. Each block is decoded by pyarrow's JSON reader with
the prediction schema, which refuses any value of another shape (a label given as a list, an
offset as a string, …) and stops at its first error. Every check of `validate_record` is then
made on whole columns at once. A block the reader refuses, and every row a vectorized check
flags, goes line by line through the careful path (`predictions.check_line`, the reference),
which words the problems and gives their line numbers. A valid row is never turned into Python
dicts: its columns go straight to the scorer.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from .. import schema
from ..errors import UserError
from . import columnar, coref
from .predictions import SHOWN_PROBLEMS, check_line, refuse, refuse_array

BLOCK_BYTES = 16 << 20
_JSON_SPACE = np.array([32, 9, 13], dtype=np.uint8)
_MAX_OFFSET = 1 << 21  # offsets packed into keys below; longer texts take the careful path


def _schema():
    import pyarrow as pa

    span = [("start", pa.int64()), ("end", pa.int64())]
    t = pa.string()
    arg = pa.struct([*span, ("role", pa.string())])
    event = pa.struct(
        [
            ("trigger", pa.struct(span)),
            ("type", pa.string()),
            ("realis", pa.string()),
            ("cluster", pa.string()),
            ("arguments", pa.list_(arg)),
        ]
    )
    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("lines", pa.list_(pa.struct([*span, ("label", pa.string())]))),
            ("entities", pa.list_(pa.struct([*span, ("type", t), ("entity", pa.string())]))),
            ("events", pa.list_(event)),
        ]
    )


def _pack(doc: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """(document, start, end) as one int64 (offsets below _MAX_OFFSET; others never match)."""
    m = _MAX_OFFSET
    return (np.asarray(doc) * m + np.clip(s, 0, m - 1)) * m + np.clip(e, 0, m - 1)


# A non-empty line without its surrounding whitespace: from its first to its last non-space
# code point (\s and \S are str.isspace()'s whitespace, which str.strip() removes).
_LINE = re.compile(r"(?m)^[^\S\n]*(\S(?:[^\n]*\S)?)")


def line_spans(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`text.iter_lines` of several texts at once: (text index, start, end) of every non-empty
    line, without its terminator and surrounding whitespace (code-point offsets)."""
    spans = [[m.span(1) for m in _LINE.finditer(t)] for t in texts]
    counts = np.fromiter(map(len, spans), dtype=np.int64, count=len(spans))
    flat = np.array(list(chain.from_iterable(spans)), dtype=np.int64).reshape(-1, 2)
    return np.repeat(np.arange(len(texts)), counts), flat[:, 0], flat[:, 1]


def _np(arr: Any, fill: int = 0) -> np.ndarray:
    """An Arrow integer array as int64 numpy, nulls as `fill`."""
    import pyarrow.compute as pc

    return pc.fill_null(arr, fill).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _isnull(arr: Any) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.is_null(arr).to_numpy(zero_copy_only=False)


def _bools(arr: Any) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _codes(arr: Any, names: Sequence[str]) -> np.ndarray:
    """Index of each string among `names`; -1 for null or any other string."""
    import pyarrow as pa
    import pyarrow.compute as pc

    idx = pc.index_in(arr, value_set=pa.array(list(names), pa.string()))
    return _np(idx, -1)


def _items(table: Any, column: str) -> tuple[Any, np.ndarray]:
    """The flattened items of a list column and the row of each."""
    import pyarrow.compute as pc

    lists = table.column(column).combine_chunks()
    return lists.flatten(), _np(pc.list_parent_indices(lists))


class _Block:
    """One block's rows: document index, line number, whether valid; its scored rows' columns."""

    def __init__(
        self, doc: np.ndarray, line_no: np.ndarray, ok: np.ndarray, side: columnar.Side | None
    ):
        self.doc, self.line_no, self.ok, self.side = doc, line_no, ok, side


class FastReader:
    """Validates prediction blocks against the known texts; collects problems and columns."""

    def __init__(self, texts: Mapping[str, str], ids: Sequence[str], vocab: columnar.Vocab) -> None:
        import pyarrow as pa

        self.texts = texts
        self.ids, self.vocab = ids, vocab
        position = {d: i for i, d in enumerate(ids)}
        self.position = position
        self.known = sorted(texts)
        self.known_arr = pa.array(self.known, pa.string())
        self.n_chars = np.array([len(texts[i]) for i in self.known], dtype=np.int64)
        # known document -> its position among the scored ones (-1: not scored, ignored)
        self.remap = np.array([position.get(d, -1) for d in self.known], dtype=np.int64)
        self.schema = _schema()
        roles = schema.ROLE_NAMES
        self.allowed = np.zeros((len(schema.EVENT_TYPE_NAMES), len(roles)), dtype=bool)
        for t, name in enumerate(schema.EVENT_TYPE_NAMES):
            for r in schema.roles_for(name):
                self.allowed[t, roles.index(r)] = True
        self.blocks: list[_Block] = []
        # careful-path results: line -> (doc_id or None, record or None, problems)
        self.careful: dict[int, tuple[str | None, dict | None, list[str]]] = {}
        self._line_cache: dict[str, set[tuple[int, int]]] = {}
        self.failed = False  # a problem was found: the file will be refused, nothing to keep

    # --- blocks ------------------------------------------------------------------------------

    def feed(self, block: bytes, first_line: int) -> None:
        """Validate one block of whole lines whose first line has number `first_line`."""
        import pyarrow as pa
        import pyarrow.json as pj

        arr = np.frombuffer(block, dtype=np.uint8)
        nl = np.flatnonzero(arr == 10)
        starts = np.r_[0, nl + 1]
        ends = np.r_[nl, len(arr)]
        # The reader skips blank lines (JSON whitespace only). A line that starts with another
        # byte is not blank; only the others are looked at one by one.
        filled = ends > starts
        head = arr[np.minimum(starts, max(len(arr) - 1, 0))] if len(arr) else starts.copy()
        for i in np.flatnonzero(filled & np.isin(head, _JSON_SPACE)).tolist():
            rest = block[starts[i] : ends[i]].lstrip(b" \t\r")
            filled[i] = bool(rest)
            head[i] = rest[0] if rest else 0
        line_no = first_line + np.flatnonzero(filled)
        # Only objects go to the reader: a line holding a bare `null` crashes pyarrow 26's
        # JSON reader (a segmentation fault, not an error), and no other value is a record.
        if (head[filled] != ord("{")).any():
            self._careful_block(block, first_line)
            return
        try:
            table = pj.read_json(
                io.BytesIO(block),
                # blocks of ~1 MB are parsed on several threads (each holds whole lines)
                read_options=pj.ReadOptions(
                    block_size=max(1 << 20, int((ends - starts).max(initial=0)) + 2)
                ),
                parse_options=pj.ParseOptions(
                    explicit_schema=self.schema, unexpected_field_behavior="ignore"
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            table = None
        if table is None or table.num_rows != len(line_no):
            self._careful_block(block, first_line)
            return
        doc, ok = self._check(table)
        for i in np.flatnonzero(~ok).tolist():
            n = int(line_no[i])
            self._careful_line(n, block[starts[n - first_line] : ends[n - first_line]])
        # Columns at once, and the table dropped: memory stays that of one block.
        side = None if self.failed else self._block_side(table, doc, ok)
        self.blocks.append(_Block(doc, line_no, ok, side))

    def _careful_line(self, n: int, raw: bytes) -> None:
        text = raw.decode("utf-8")  # the whole file was checked to be UTF-8
        if text.strip():
            self.careful[n] = found = check_line(text, self.texts, self._line_cache)
            self.failed |= bool(found[2])

    def _careful_block(self, block: bytes, first_line: int) -> None:
        for k, raw in enumerate(block.split(b"\n")):
            self._careful_line(first_line + k, raw)

    # --- vectorized checks ---------------------------------------------------------------------

    def _check(self, table: Any) -> tuple[np.ndarray, np.ndarray]:
        """Each row's index among the known documents, and whether every check passed (a row
        that fails any goes to the careful path, which words its problems)."""
        import pyarrow.compute as pc

        doc = _np(pc.index_in(table.column("doc_id"), value_set=self.known_arr), -1)
        ok = doc >= 0
        n_chars = np.where(ok, self.n_chars[np.maximum(doc, 0)], 0)
        ok &= n_chars < _MAX_OFFSET

        def bad_rows(rows: np.ndarray, bad: np.ndarray) -> None:
            ok[rows[bad]] = False

        def spans(items: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            s, e = items.field("start"), items.field("end")
            s_np, e_np = _np(s, -1), _np(e, -1)
            bad = _isnull(items) | _isnull(s) | _isnull(e)
            bad |= (s_np < 0) | (s_np >= e_np) | (e_np > n_chars[rows])
            bad_rows(rows, bad)
            return s_np, e_np

        def unique_within_row(rows: np.ndarray, *cols: np.ndarray) -> None:
            k = columnar.keys(rows, *cols)
            ks = np.sort(k)
            dup = ks[1:][ks[1:] == ks[:-1]]
            if len(dup):
                bad_rows(rows, np.isin(k, dup))

        # lines: spans of non-empty lines of the document, each once, known labels
        items, rows = _items(table, "lines")
        if len(rows):
            s, e = spans(items, rows)
            bad_rows(rows, _codes(items.field("label"), schema.LINE_LABELS) < 0)
            unique_within_row(rows, s, e)
            bad_rows(rows, ~self._is_doc_line(doc[rows], s, e))
        # entities: spans, known types, one mention per span
        items, rows = _items(table, "entities")
        if len(rows):
            s, e = spans(items, rows)
            bad_rows(rows, _codes(items.field("type"), schema.ENTITY_TYPE_NAMES) < 0)
            unique_within_row(rows, s, e)
        # events: trigger spans, known types, once per (trigger, type), realis, arguments
        items, rows = _items(table, "events")
        if len(rows):
            bad_rows(rows, _isnull(items))
            s, e = spans(items.field("trigger"), rows)
            etype = _codes(items.field("type"), schema.EVENT_TYPE_NAMES)
            bad_rows(rows, etype < 0)
            unique_within_row(rows, s, e, etype)
            realis = items.field("realis")
            unknown = _codes(realis, schema.REALIS_NAMES) < 0
            bad_rows(rows, unknown & ~_isnull(realis))
            import pyarrow as pa

            args = items.field("arguments")
            if isinstance(args, pa.ChunkedArray):
                args = args.combine_chunks()
            arg_items = args.flatten()
            ev_of_arg = _np(pc.list_parent_indices(args))
            if len(ev_of_arg):
                arow = rows[ev_of_arg]
                spans(arg_items, arow)
                role = _codes(arg_items.field("role"), schema.ROLE_NAMES)
                t = etype[ev_of_arg]
                bad = (role < 0) | (t < 0)
                bad |= ~self.allowed[np.maximum(t, 0), np.maximum(role, 0)]
                bad_rows(arow, bad)
        return doc, ok

    def _is_doc_line(self, doc: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Whether each (document, start, end) is a non-empty line of that document (the
        lines of a block's documents are computed together; a document is in one row)."""
        want = np.unique(doc[doc >= 0])
        keys = []
        for lo in range(0, len(want), 4000):  # bounds the code-point arrays of line_spans
            part = want[lo : lo + 4000]
            ldoc, ls, le = line_spans([self.texts[self.known[d]] for d in part.tolist()])
            keys.append(_pack(part[ldoc], ls, le))
        table = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        return np.isin(_pack(doc, s, e), table)

    # --- the result ----------------------------------------------------------------------------

    def finish(self) -> tuple[columnar.Side | None, list[str], list[tuple[int, str]]]:
        """(the valid predictions of the scored documents as a Side — None when there are
        problems —, the predicted doc ids, every problem as (line, message))."""
        docs = [b.doc[b.ok] for b in self.blocks]
        if not self.careful:  # all rows passed the vectorized checks: only duplicates remain
            all_docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
            if len(np.unique(all_docs)) == len(all_docs):
                parts = [b.side for b in self.blocks if b.side is not None]
                if not parts:
                    parts.append(side_from_dicts([], len(self.ids), self.vocab, self.ids))
                pred_ids = [self.known[d] for d in np.sort(all_docs).tolist()]
                return concat_sides(parts, len(self.ids)), pred_ids, []
        # every row in line order: (line, doc_id or None, problems)
        rows: list[tuple[int, str | None, list[str]]] = []
        for b in self.blocks:
            good = b.ok
            for n, d in zip(b.line_no[good].tolist(), b.doc[good].tolist(), strict=True):
                rows.append((n, self.known[d], []))
        for n, (doc_id, _, found) in self.careful.items():
            rows.append((n, doc_id, found))
        rows.sort(key=lambda r: r[0])
        first: dict[str, int] = {}
        problems: list[tuple[int, str]] = []
        for n, doc_id, found in rows:
            if doc_id is not None:
                if doc_id in first:
                    found = [f"doc_id {doc_id!r} already given on line {first[doc_id]}"]
                else:
                    first[doc_id] = n
            problems.extend((n, p) for p in found)
        if problems:
            return None, sorted(first), problems
        parts = [b.side for b in self.blocks if b.side is not None]
        records = [
            (self.position[doc_id], rec)
            for doc_id, rec, _ in self.careful.values()
            if rec is not None and doc_id in self.position
        ]
        parts.append(side_from_dicts(records, len(self.ids), self.vocab, self.ids))
        return concat_sides(parts, len(self.ids)), sorted(first), []

    def _block_side(self, table: Any, doc: np.ndarray, ok: np.ndarray) -> columnar.Side:
        """A block's rows that are valid and scored (their document is in the gold)."""
        import pyarrow as pa

        keep = ok & (self.remap[np.maximum(doc, 0)] >= 0)
        table = table.filter(pa.array(keep))
        return side_from_arrow(
            lambda name: table.column(name).combine_chunks(),
            self.remap[doc[keep]],
            len(self.ids),
            self.vocab,
            self.ids,
        )


def _has(arr: Any, name: str) -> bool:
    return arr.type.get_field_index(name) >= 0


def side_from_arrow(
    column: Any, doc: np.ndarray, n_docs: int, vocab: columnar.Vocab, ids: Sequence[str]
) -> columnar.Side:
    """Arrow records (`column(name)` gives the lines/entities/events list arrays; `doc` each
    row's document index, ids[index] its doc id) -> a Side; gold arguments (by `mention` id)
    get their mention's offsets. Raises KeyError for a mention id the document does not
    have."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def strings(arr: Any) -> np.ndarray:
        """Vocab codes of a string column (null: the code of None)."""
        enc = pc.dictionary_encode(arr)
        lookup = vocab.codes([*enc.dictionary.to_pylist(), None])
        return lookup[_np(enc.indices, len(enc.dictionary))]

    def clusters(arr: Any) -> np.ndarray:
        """Equal ids -> equal codes; no id -> a negative code of its own."""
        codes = _np(pc.dictionary_encode(arr).indices, -1)
        missing = codes < 0
        codes[missing] = -1 - np.flatnonzero(missing)
        return codes

    def xclusters(arr: Any, docs: np.ndarray) -> np.ndarray:
        """Cross-document cluster codes (`columnar.Side`): an id starting with its own
        document's id and a slash is document-local; -1 for no id."""
        enc = pc.dictionary_encode(arr)
        codes = _np(enc.indices, -1)
        names = enc.dictionary.to_pylist()
        local = np.zeros(len(codes), dtype=bool)
        has_slash = _bools(pc.fill_null(pc.match_substring(arr, "/"), False))
        if has_slash.any():
            # the part before the first slash is the document's id
            head = pc.list_element(pc.split_pattern(arr, "/", max_splits=1), 0)
            owner = pa.array(list(ids), pa.string()).take(pa.array(docs))
            local = _bools(pc.fill_null(pc.equal(head, owner), False)) & has_slash
            odd = [i for i, d in enumerate(ids) if "/" in d]  # never in the manifest's scheme
            for i in np.flatnonzero(has_slash & np.isin(docs, odd)).tolist():
                local[i] = coref.is_document_local(names[codes[i]], ids[docs[i]])
        as_split = np.array([vocab.cluster(coref.split_key(c)) for c in names], dtype=np.int64)
        as_local = np.array([vocab.cluster(coref.local_key(c)) for c in names], dtype=np.int64)
        out = np.full(len(codes), -1, dtype=np.int64)
        given = codes >= 0
        if len(names):
            out[given] = np.where(local[given], as_local[codes[given]], as_split[codes[given]])
        return out

    def items(name: str) -> tuple[Any, np.ndarray]:
        lists = column(name)
        return lists.flatten(), _np(pc.list_parent_indices(lists))

    cols: dict[str, np.ndarray] = {}
    it, rows = items("lines")
    cols["lines.doc"] = doc[rows]
    cols["lines.start"], cols["lines.end"] = _np(it.field("start")), _np(it.field("end"))
    cols["lines.label"] = strings(it.field("label"))
    ents, rows = items("entities")
    edoc = doc[rows]
    es, ee = _np(ents.field("start")), _np(ents.field("end"))
    cols["ents.doc"], cols["ents.start"], cols["ents.end"] = edoc, es, ee
    cols["ents.type"] = strings(ents.field("type"))
    cols["ents.cluster"] = clusters(ents.field("entity"))
    evs, rows = items("events")
    trig = evs.field("trigger")
    vdoc = doc[rows]
    cols["events.doc"] = vdoc
    cols["events.ts"], cols["events.te"] = _np(trig.field("start")), _np(trig.field("end"))
    cols["events.type"] = strings(evs.field("type"))
    cols["events.realis"] = strings(evs.field("realis"))
    cols["events.cluster"] = clusters(evs.field("cluster"))
    cols["events.xcluster"] = xclusters(evs.field("cluster"), vdoc)
    args = evs.field("arguments")
    arg = args.flatten()
    aev = _np(pc.list_parent_indices(args))
    cols["args.event"] = aev
    cols["args.role"] = strings(arg.field("role"))
    a_s, a_e = _np(arg.field("start"), -1).copy(), _np(arg.field("end"), -1).copy()
    if _has(arg, "mention") and _has(ents, "id") and arg.field("mention").null_count < len(arg):
        # gold: mention id -> its mention's offsets (a repeated id: the last mention's)
        both = pc.dictionary_encode(pa.concat_arrays([ents.field("id"), arg.field("mention")]))
        code = _np(both.indices, -1)
        eid, mid = code[: len(ents)], code[len(ents) :]
        adoc = vdoc[aev]
        k = columnar.keys(np.r_[edoc, adoc], np.r_[eid, mid])
        ek, ak = k[: len(ents)], k[len(ents) :]
        last = columnar.last_rows(np.where(eid >= 0, ek, -1))
        last = last[eid[last] >= 0]
        order = np.argsort(ek[last])
        sorted_keys, rows_of = ek[last][order], last[order]
        by_id = mid >= 0
        pos = np.searchsorted(sorted_keys, ak[by_id])
        pos[pos >= len(sorted_keys)] = 0
        found = (sorted_keys[pos] == ak[by_id]) if len(sorted_keys) else pos < 0
        if not found.all():
            names = both.dictionary.to_pylist()
            missing = int(np.flatnonzero(by_id)[np.flatnonzero(~found)[0]])
            raise KeyError(names[mid[missing]])
        a_s[by_id], a_e[by_id] = es[rows_of[pos]], ee[rows_of[pos]]
    cols["args.start"], cols["args.end"] = a_s, a_e
    return columnar.Side(n_docs, cols)


def _gold_type() -> Any:
    import pyarrow as pa

    span = [("start", pa.int64()), ("end", pa.int64())]
    t = pa.string()
    arg = pa.struct([*span, ("role", t), ("mention", t)])
    event = pa.struct(
        [
            ("trigger", pa.struct(span)),
            ("type", t),
            ("realis", t),
            ("cluster", t),
            ("arguments", pa.list_(arg)),
        ]
    )
    return pa.struct(
        [
            ("lines", pa.list_(pa.struct([*span, ("label", t)]))),
            ("entities", pa.list_(pa.struct([*span, ("type", t), ("entity", t), ("id", t)]))),
            ("events", pa.list_(event)),
        ]
    )


def side_from_dicts(
    records: Sequence[tuple[int, Mapping[str, Any] | None]],
    n_docs: int,
    vocab: columnar.Vocab,
    ids: Sequence[str] | None = None,
) -> columnar.Side:
    """`columnar.side_from_records`, through Arrow's C++ conversion of the dicts where their
    values have the usual types (string ids); otherwise (e.g. integer cluster ids) as that.
    ids[i]: the doc id of document index i (default: each record's own `doc_id`)."""
    import pyarrow as pa

    recs = [(d, r) for d, r in records if r]
    if ids is None:
        names = [""] * n_docs
        for d, r in recs:
            names[d] = str(r.get("doc_id", ""))
        ids = names
    parts = []
    step = 10_000  # records per conversion: bounds the Arrow memory
    for lo in range(0, len(recs), step):
        part = recs[lo : lo + step]
        try:
            arr = pa.array([r for _, r in part], type=_gold_type())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            parts.append(columnar.side_from_records(part, n_docs, vocab, ids))
            continue
        doc = np.fromiter((d for d, _ in part), dtype=np.int64, count=len(part))
        parts.append(side_from_arrow(arr.field, doc, n_docs, vocab, ids))
        del arr
    if not parts:
        return columnar.side_from_records([], n_docs, vocab, ids)
    return concat_sides(parts, n_docs) if len(parts) > 1 else parts[0]


def concat_sides(parts: list[columnar.Side], n_docs: int) -> columnar.Side:
    """One Side from several (event rows of arguments shifted; cluster codes made distinct)."""
    cols: dict[str, list[np.ndarray]] = {}
    n_events = 0
    shift = 0
    for part in parts:
        for name, arr in part.cols.items():
            if name == "args.event":
                arr = arr + n_events
            elif name.endswith(".cluster"):
                # codes from different parts never meet in one document, but keep them apart
                arr = np.where(arr >= 0, arr + shift, arr - shift)
            cols.setdefault(name, []).append(arr)
        n_events += len(part.cols["events.doc"])
        span = [part.cols[c] for c in ("ents.cluster", "events.cluster")]
        shift += int(max((np.abs(a).max() + 1 if len(a) else 0) for a in span))
    return columnar.Side(n_docs, {k: np.concatenate(v) for k, v in cols.items()})


def read_fast(
    chunks: Iterable[bytes], texts: Mapping[str, str], ids: Sequence[str], vocab: columnar.Vocab
) -> tuple[columnar.Side | None, list[str], list[tuple[int, str]]]:
    """Validate JSONL given as byte chunks (UTF-8), block by block of whole lines; see
    `FastReader.finish`."""
    reader = FastReader(texts, ids, vocab)
    line = 1
    for block in _blocks(chunks):
        reader.feed(block[:-1] if block.endswith(b"\n") else block, line)
        line += block.count(b"\n")
    return reader.finish()


def _blocks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Blocks of about BLOCK_BYTES that end at a line end (or the end of the input)."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        cut = rest.rfind(b"\n")
        if cut >= 0 and len(rest) >= BLOCK_BYTES:
            yield rest[: cut + 1]
            rest = rest[cut + 1 :]
    if rest:
        yield rest


def _chunks(path: Path, first: bytes, fh: Any) -> Iterator[bytes]:
    """The file's bytes in chunks, each checked to be UTF-8 (one decoder across chunks)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    done = 0
    chunk = first
    while chunk:
        try:
            dec.decode(chunk)
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: not UTF-8 (byte {done + exc.start})") from None
        yield chunk
        done += len(chunk)
        chunk = fh.read(BLOCK_BYTES)
    try:
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 (byte {done - 1}: a truncated character)") from None


def read_columns(
    path: Path,
    texts: Mapping[str, str],
    ids: Sequence[str],
    vocab: columnar.Vocab,
    shown: int | None = SHOWN_PROBLEMS,
) -> tuple[columnar.Side, list[str]]:
    """`predictions.read_predictions`, into columns: the predictions of the documents `ids`
    and every predicted doc id; any problem -> the first `shown` on stderr, then a UserError
    carrying all of them (`.problems`). The file is read in blocks: memory does not grow
    with its size, only with the predictions kept."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            first = fh.read(BLOCK_BYTES)
            if first.lstrip()[:1] == b"[":  # perhaps a JSON array: judged on the whole text
                whole = first + fh.read()
                refuse_array(path, _utf8(path, whole))
                first, whole = whole, b""
            side, pred_ids, problems = read_fast(_chunks(path, first, fh), texts, ids, vocab)
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, expected a JSONL file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if problems:
        refuse(path, problems, shown)
    assert side is not None
    return side, pred_ids


def _utf8(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 (byte {exc.start})") from None
