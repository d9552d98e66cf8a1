"""Benchmark (not a test): `studio push` and `studio pull` of N synthetic tasks, each pulled
with two annotations (two annotator accounts), on SQLite and on PostgreSQL.

    python scripts/bench_studio.py [--tasks 2000] [--batch-size 100] [--backends sqlite,postgresql]

Per backend, a throwaway local server in a temp folder (`studio up`, `studio up --postgres`; the
server comes from .venv-studio or TARIFFTALKS_LABEL_STUDIO), then:
  push          an annotation round (no pre-annotation), batches of --batch-size, tasks/s, and
                relative to ONE bulk import call of the same payload (the floor of any push);
  push again    the no-op second push (lists tasks, compares);
  pull          a project whose N tasks carry two annotations by two annotators (imported in
                bulk): export, validation, agreement per document and for the round, adjudication
                rows for the half that disagrees (one line label), diff; no writes;
  pull --accept the same, writing both passes and the adjudication rows.
With LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY set, that one server is measured instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tarifftalks.corpus import load_documents
from tarifftalks.gold import write_gold
from tarifftalks.studio import server
from tarifftalks.studio.client import Connection, connect
from tarifftalks.studio.convert import gold_to_results
from tarifftalks.studio.pull import pull
from tarifftalks.studio.push import ensure_project, gold_sha256, push, task_payload
from tarifftalks.studio.users import add_users
from tarifftalks.text import iter_lines

BODY = (
    "Japan's top negotiator Ryosei Akazawa will visit Washington on May 30 for talks "
    "on the 25% tariff on autos, officials said on Friday."
)


def make_corpus(root: Path, n: int) -> None:
    """n documents of ~1 KB each, with valid gold (lines, two entities, one event)."""
    (root / "seeds").mkdir(parents=True)
    gold_dir = root / "annotation" / "gold"
    gold_dir.mkdir(parents=True)
    rows = []
    for i in range(n):
        text = f"Synthetic story {i}\n\n" + "\n".join(f"{BODY} ({i}.{k})" for k in range(6)) + "\n"
        name = f"{i:05d}_bench.txt"
        (root / "seeds" / name).write_text(text, encoding="utf-8")
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        doc_id = f"bench-{i:05d}"
        rows.append(
            {
                "doc_id": doc_id,
                "file": name,
                "sha256": sha,
                "outlet": None,
                "title": None,
                "published": "2025-05-23",
                "published_basis": "inferred",
                "published_reason": "synthetic",
                "story_id": f"s{i}",
                "near_duplicate_of": None,
            }
        )
        lines = iter_lines(text)
        s = text.index("Ryosei Akazawa")
        w = text.index("Washington")
        v = text.index("visit")
        gold = {
            "doc_id": doc_id,
            "file": name,
            "sha256": sha,
            "lines": [
                {"start": ln.start, "end": ln.end, "label": "title" if j == 0 else "body"}
                for j, ln in enumerate(lines)
            ],
            "entities": [
                {
                    "id": "T1",
                    "start": s,
                    "end": s + 14,
                    "text": "Ryosei Akazawa",
                    "type": "PER",
                    "level": "NAM",
                    "entity": None,
                    "kb": None,
                    "timex": None,
                },
                {
                    "id": "T2",
                    "start": w,
                    "end": w + 10,
                    "text": "Washington",
                    "type": "GPE",
                    "level": "NAM",
                    "entity": None,
                    "kb": None,
                    "timex": None,
                },
            ],
            "events": [
                {
                    "id": "V1",
                    "type": "Movement:Transport",
                    "realis": "planned",
                    "trigger": {"start": v, "end": v + 5, "text": "visit"},
                    "cluster": None,
                    "arguments": [
                        {"mention": "T1", "role": "Traveler"},
                        {"mention": "T2", "role": "Destination"},
                    ],
                },
            ],
            "notes": [],
        }
        write_gold(gold, gold_dir)
    (root / "seeds" / "manifest.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )


def measure(conn: Connection, root: Path, n: int, batch_size: int) -> dict[str, float]:
    docs = load_documents(root)
    gold_dir = root / "annotation" / "gold"
    stamp = time.strftime("%H%M%S")
    t: dict[str, float] = {}

    t0 = time.perf_counter()
    first = push(conn, root, f"bench-push-{stamp}", batch_size=batch_size, docs=docs)
    t["push"] = time.perf_counter() - t0
    assert first["added"] == n, first
    t0 = time.perf_counter()
    again = push(
        conn, root, f"bench-push-{stamp}", batch_size=batch_size, docs=docs, progress=False
    )
    t["push_again"] = time.perf_counter() - t0
    assert again["added"] == 0

    pushed = {d.doc_id: gold_sha256(root, d.doc_id) for d in docs}
    payload = [task_payload(d, None, None, pushed[d.doc_id]) for d in docs]
    bulk, _ = ensure_project(conn, f"bench-bulk-{stamp}")
    t0 = time.perf_counter()
    conn.call("bulk import", conn.client.projects.import_tasks, id=bulk["id"], request=payload)
    t["bulk"] = time.perf_counter() - t0

    # Two annotators: a submits the gold, b the same with one line label changed in every
    # second document (those need adjudication).
    accounts = add_users(conn, [f"bench-a-{stamp}", f"bench-b-{stamp}"])
    ua, ub = sorted(r["id"] for r in accounts)
    annotated = []
    for i, (d, p) in enumerate(zip(docs, payload, strict=True)):
        gold = json.loads((gold_dir / f"{d.doc_id}.json").read_text(encoding="utf-8"))
        other = json.loads(json.dumps(gold))
        if i % 2:
            other["lines"][-1]["label"] = "related"  # a line without mentions
        annotations = [
            {"result": gold_to_results(gold, d.text), "completed_by": ua},
            {"result": gold_to_results(other, d.text), "completed_by": ub},
        ]
        annotated.append({**p, "annotations": annotations})
    title = f"bench-pull-{stamp}"
    project, _ = ensure_project(conn, title, overlap=2)
    for i in range(0, n, 500):  # in parts: one request of 2,000 annotated tasks is ~20 MB
        part = annotated[i : i + 500]
        conn.call("bulk import", conn.client.projects.import_tasks, id=project["id"], request=part)

    t0 = time.perf_counter()
    summary = pull(conn, root, title, show_diff=False)
    t["pull"] = time.perf_counter() - t0
    assert len(summary["double"]) == n and len(summary["adjudicate"]) == n // 2, summary["overall"]
    t0 = time.perf_counter()
    summary = pull(conn, root, title, show_diff=False, accept=True)
    t["pull_accept"] = time.perf_counter() - t0
    # both passes of every document, the rows of the disagreeing half; the agreed gold is as pushed
    assert len(summary["written"]) == 2 * n + n // 2, len(summary["written"])
    return t


def report(name: str, n: int, t: dict[str, float]) -> None:
    print(f"{name}: {n} tasks")
    rows = [
        ("bulk import, one call", "bulk", ""),
        ("studio push", "push", f"  x{t['push'] / t['bulk']:.2f} of the bulk call"),
        ("studio push (again)", "push_again", "  (no-op)"),
        ("studio pull (2 annotations/task)", "pull", ""),
        ("studio pull --accept", "pull_accept", "  (writes passes + adjudication rows)"),
    ]
    for label, key, note in rows:
        print(f"  {label:34s}: {t[key]:7.2f}s  {n / t[key]:8.1f} tasks/s{note}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    n = args.tasks
    results = []
    backends = ["team server"] if os.environ.get("LABEL_STUDIO_URL") else args.backends.split(",")
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="bench-studio-") as tmp:
            root = Path(tmp)
            make_corpus(root, n)
            started = backend != "team server"
            if started:
                t0 = time.perf_counter()
                server.up(
                    root,
                    port=server.free_port(),
                    timeout=600,
                    postgres_db=backend == "postgresql",
                )
                print(
                    f"{backend}: server started in {time.perf_counter() - t0:.1f}s", file=sys.stderr
                )
            try:
                times = measure(connect(root), root, n, args.batch_size)
            finally:
                if started:
                    server.down(root)
            results.append((backend, times))
            report(backend, n, times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
