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
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import schema
from ..errors import UserError
from ..text import iter_lines
from . import columnar, coref
from .predictions import SHOWN_PROBLEMS, check_line, json_array_problem, problem_report

BLOCK_BYTES = 8 << 20
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
    """One block's valid rows as columns, with row -> document index and line number."""

    def __init__(self, table: Any, doc: np.ndarray, line_no: np.ndarray, ok: np.ndarray):
        self.table, self.doc, self.line_no, self.ok = table, doc, line_no, ok


class FastReader:
    """Validates prediction blocks against the known texts; collects problems and columns."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        import pyarrow as pa

        self.texts = texts
        self.known = sorted(texts)
        self.known_arr = pa.array(self.known, pa.string())
        self.n_chars = np.array([len(texts[i]) for i in self.known], dtype=np.int64)
        self._doc_lines: dict[int, np.ndarray] = {}
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

    # --- blocks ------------------------------------------------------------------------------

    def feed(self, block: bytes, first_line: int) -> None:
        """Validate one block of whole lines whose first line has number `first_line`."""
        import pyarrow as pa
        import pyarrow.json as pj

        arr = np.frombuffer(block, dtype=np.uint8)
        nl = np.flatnonzero(arr == 10)
        starts = np.r_[0, nl + 1]
        ends = np.r_[nl, len(arr)]
        nonws = ~((arr == 32) | (arr == 9) | (arr == 13) | (arr == 10))
        cs = np.r_[0, np.cumsum(nonws, dtype=np.int64)]
        filled = (cs[ends] - cs[starts]) > 0
        line_no = first_line + np.flatnonzero(filled)
        try:
            table = pj.read_json(
                io.BytesIO(block),
                read_options=pj.ReadOptions(block_size=max(len(block), 1 << 16) + 1),
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
        self.blocks.append(_Block(table, doc, line_no, ok))

    def _careful_line(self, n: int, raw: bytes) -> None:
        text = raw.decode("utf-8")  # the whole file was checked to be UTF-8
        if text.strip():
            self.careful[n] = check_line(text, self.texts, self._line_cache)

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
            _, inv, cnt = np.unique(k, return_inverse=True, return_counts=True)
            bad_rows(rows, cnt[inv] > 1)

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
        """Whether each (document, start, end) is a non-empty line of that document."""
        want = np.unique(doc[doc >= 0])
        for d in want.tolist():
            if d not in self._doc_lines:
                spans = iter_lines(self.texts[self.known[d]])
                self._doc_lines[d] = np.array([(x.start, x.end) for x in spans], dtype=np.int64)
        parts = [self._doc_lines[d] for d in want.tolist()]
        table = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
        tdoc = np.repeat(want, [len(p) for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        pack = _MAX_OFFSET

        def key(d, a, b):
            return (np.asarray(d) * pack + np.clip(a, 0, pack - 1)) * pack + np.clip(b, 0, pack - 1)

        return np.isin(key(doc, s, e), key(tdoc, table[:, 0], table[:, 1]))

    # --- the result ----------------------------------------------------------------------------

    def finish(
        self, ids: Sequence[str], vocab: columnar.Vocab
    ) -> tuple[columnar.Side | None, list[str], list[tuple[int, str]]]:
        """(the valid predictions of the documents `ids` as a Side — None when there are
        problems —, the predicted doc ids, every problem as (line, message))."""
        # every row in line order: (line, doc_id or None, from a block or careful, problems)
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
        return self._side(ids, vocab), sorted(first), []

    def _side(self, ids: Sequence[str], vocab: columnar.Vocab) -> columnar.Side:
        position = {d: i for i, d in enumerate(ids)}
        remap = np.array([position.get(d, -1) for d in self.known], dtype=np.int64)
        parts = [_block_side(b, remap, ids, vocab) for b in self.blocks]
        records = [
            (position[doc_id], rec)
            for doc_id, rec, _ in self.careful.values()
            if rec is not None and doc_id in position
        ]
        parts.append(columnar.side_from_records(records, len(ids), vocab, ids))
        return concat_sides(parts, len(ids))


def _block_side(
    b: _Block, remap: np.ndarray, ids: Sequence[str], vocab: columnar.Vocab
) -> columnar.Side:
    """A block's rows that are valid and scored (their document is in the gold) as a Side;
    ids: the scored doc ids (remap's targets)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n_docs = len(ids)

    keep = b.ok & (remap[np.maximum(b.doc, 0)] >= 0)
    table = b.table.filter(pa.array(keep))
    doc = remap[b.doc[keep]]

    def strings(arr: Any) -> np.ndarray:
        """Vocab codes of a string column (null: the code of None)."""
        enc = pc.dictionary_encode(arr)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        lookup = vocab.codes([*enc.dictionary.to_pylist(), None])
        return lookup[_np(enc.indices, len(enc.dictionary))]

    def clusters(arr: Any, rows: np.ndarray) -> np.ndarray:
        """Equal ids within a document -> equal codes; no id -> a code of its own."""
        enc = pc.dictionary_encode(arr)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        codes = _np(enc.indices, -1)
        missing = codes < 0
        codes[missing] = -1 - np.flatnonzero(missing)
        return codes

    def xclusters(arr: Any, docs: np.ndarray) -> np.ndarray:
        """Cross-document cluster codes (`columnar.Side`): an id starting with its own
        document's id and a slash is document-local; -1 for no id."""
        enc = pc.dictionary_encode(arr)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
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

    cols: dict[str, np.ndarray] = {}
    items, rows = _items(table, "lines")
    cols["lines.doc"] = doc[rows]
    cols["lines.start"], cols["lines.end"] = _np(items.field("start")), _np(items.field("end"))
    cols["lines.label"] = strings(items.field("label"))
    items, rows = _items(table, "entities")
    cols["ents.doc"] = doc[rows]
    cols["ents.start"], cols["ents.end"] = _np(items.field("start")), _np(items.field("end"))
    cols["ents.type"] = strings(items.field("type"))
    cols["ents.cluster"] = clusters(items.field("entity"), rows)
    items, rows = _items(table, "events")
    trig = items.field("trigger")
    cols["events.doc"] = doc[rows]
    cols["events.ts"], cols["events.te"] = _np(trig.field("start")), _np(trig.field("end"))
    cols["events.type"] = strings(items.field("type"))
    cols["events.realis"] = strings(items.field("realis"))
    cols["events.cluster"] = clusters(items.field("cluster"), rows)
    cols["events.xcluster"] = xclusters(items.field("cluster"), cols["events.doc"])
    args = items.field("arguments")
    if isinstance(args, pa.ChunkedArray):
        args = args.combine_chunks()
    arg_items = args.flatten()
    cols["args.event"] = _np(pc.list_parent_indices(args))
    cols["args.start"], cols["args.end"] = (
        _np(arg_items.field("start")),
        _np(arg_items.field("end")),
    )
    cols["args.role"] = strings(arg_items.field("role"))
    return columnar.Side(n_docs, cols)


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
    data: bytes, texts: Mapping[str, str], ids: Sequence[str], vocab: columnar.Vocab
) -> tuple[columnar.Side | None, list[str], list[tuple[int, str]]]:
    """Validate JSONL bytes (known UTF-8) block by block; see `FastReader.finish`."""
    reader = FastReader(texts)
    pos, line = 0, 1
    while pos < len(data):
        end = data.find(b"\n", min(pos + BLOCK_BYTES, len(data)))
        end = len(data) if end < 0 else end + 1
        block = data[pos:end]
        reader.feed(block[:-1] if block.endswith(b"\n") else block, line)
        line += block.count(b"\n")
        pos = end
    return reader.finish(ids, vocab)


def _check_utf8(path: Path, data: bytes) -> None:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        for i in range(0, len(data), 1 << 24):
            dec.decode(data[i : i + (1 << 24)])
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")  # again, whole, for the position of the bad byte
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: not UTF-8 (byte {exc.start})") from None


def read_columns(
    path: Path,
    texts: Mapping[str, str],
    ids: Sequence[str],
    vocab: columnar.Vocab,
    shown: int | None = SHOWN_PROBLEMS,
) -> tuple[columnar.Side, list[str]]:
    """`predictions.read_predictions`, into columns: the predictions of the documents `ids`
    and every predicted doc id; any problem -> the first `shown` on stderr, then a UserError
    carrying all of them (`.problems`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, expected a JSONL file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    _check_utf8(path, data)
    if data.lstrip()[:1] == b"[":
        why = json_array_problem(data.decode("utf-8"))
        if why:
            raise UserError(f"{path}: {why}; convert it, e.g. `jq -c '.[]' FILE > FILE.jsonl`")
    side, pred_ids, problems = read_fast(data, texts, ids, vocab)
    del data
    if problems:
        for row in problem_report(path, problems, len(problems) if shown is None else shown):
            print(row, file=sys.stderr)
        err = UserError(
            f"{path}: {len(problems)} problem(s) in the predictions (listed above); nothing scored"
        )
        err.problems = problems  # type: ignore[attr-defined]
        raise err
    assert side is not None
    return side, pred_ids
