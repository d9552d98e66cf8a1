"""Benchmark (not a test): `studio push` and `studio pull` of N synthetic tasks.

    python scripts/bench_studio.py [--tasks 2000] [--batch-size 100]

Prints tasks/s of push and pull, and their time relative to ONE bulk import call of the same
payload (tasks with their predictions) — the floor any push can reach. Uses the team server of
LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY when set, else starts a throwaway local server in a temp
folder (the server comes from .venv-studio or TARIFFTALKS_LABEL_STUDIO).
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
from tarifftalks.studio.client import connect
from tarifftalks.studio.pull import pull
from tarifftalks.studio.push import build_predictions, ensure_project, push, task_payload
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=100)
    args = ap.parse_args()
    n = args.tasks
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as tmp:
        root = Path(tmp)
        make_corpus(root, n)
        docs = load_documents(root)
        started = False
        if not os.environ.get("LABEL_STUDIO_URL"):
            t = time.perf_counter()
            server.up(root, port=server.free_port(), timeout=300)
            started = True
            print(f"local server started in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        try:
            conn = connect(root)
            stamp = time.strftime("%H%M%S")

            t = time.perf_counter()
            push(conn, root, f"bench-push-{stamp}", batch_size=args.batch_size, docs=docs)
            t_push = time.perf_counter() - t

            t = time.perf_counter()
            again = push(
                conn,
                root,
                f"bench-push-{stamp}",
                batch_size=args.batch_size,
                docs=docs,
                progress=False,
            )
            t_again = time.perf_counter() - t
            assert again["added"] == 0

            results, version, _ = build_predictions(root, docs, None, None)
            payload = [task_payload(d, results[d.doc_id], version) for d in docs]
            bulk, _ = ensure_project(conn, f"bench-bulk-{stamp}")
            t = time.perf_counter()
            conn.call(
                "bulk import", conn.client.projects.import_tasks, id=bulk["id"], request=payload
            )
            t_bulk = time.perf_counter() - t

            # Pull needs annotations: one bulk import of tasks annotated with their gold.
            annotated = [
                {**p, "annotations": [{"result": p["predictions"][0]["result"]}]} for p in payload
            ]
            ann_project, _ = ensure_project(conn, f"bench-pull-{stamp}")
            conn.call(
                "bulk import",
                conn.client.projects.import_tasks,
                id=ann_project["id"],
                request=annotated,
            )
            for p in (root / "annotation" / "gold").glob("*.json"):
                p.unlink()  # so pull converts, validates and diffs every document
            t = time.perf_counter()
            summary = pull(conn, root, f"bench-pull-{stamp}", show_diff=False)
            t_pull = time.perf_counter() - t
            assert len(summary["changed"]) == n, summary
        finally:
            if started:
                server.down(root)
    print(f"tasks: {n} (batch size {args.batch_size})")
    print(f"bulk import, one call : {t_bulk:7.2f}s  {n / t_bulk:8.1f} tasks/s")
    print(
        f"studio push           : {t_push:7.2f}s  {n / t_push:8.1f} tasks/s  "
        f"x{t_push / t_bulk:.2f} of the bulk call"
    )
    print(f"studio push (again)   : {t_again:7.2f}s  {n / t_again:8.1f} tasks/s  (no-op)")
    print(
        f"studio pull           : {t_pull:7.2f}s  {n / t_pull:8.1f} tasks/s  "
        f"x{t_pull / t_bulk:.2f} of the bulk call"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
