"""Deterministic Parquet: same rows and features give byte-identical files."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features


def parquet_bytes(rows: list[dict[str, Any]], features: Features) -> bytes:
    """Encode rows (ClassLabel strings become ids) and serialise them as one Parquet file.

    The schema carries the `datasets` features as metadata, so ClassLabel names survive even
    without the card's YAML. No timestamps are written, hence reproducible bytes.
    """
    encoded = [features.encode_example(r) for r in rows]
    schema = features.arrow_schema
    table = pa.Table.from_pylist(encoded, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", use_dictionary=True, write_statistics=True)
    return sink.getvalue()
