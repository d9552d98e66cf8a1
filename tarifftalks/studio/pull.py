"""`tarifftalks studio pull`: annotations -> validated canonical gold.

1. A snapshot export with full bodies (the synchronous export gives prediction ids only).
2. Every annotation of every task is checked against the schema and the text; one bad
   annotation refuses the whole pull, with its task id, and nothing is written.
3. Which annotation is the document's: the only one; else the one marked ground truth; else all
   of them when they agree. Otherwise the task needs adjudication: its agreement figures are
   printed and the annotators' versions go to `.studio/adjudication/<doc_id>.json`.
4. A unified diff against the current gold is printed; gold files are written (atomically)
   only with `accept=True`.
"""

from __future__ import annotations

import difflib
import json
import sys
import time
from pathlib import Path
from typing import Any

from .. import paths
from ..agreement import pairwise_agreement
from ..corpus import Document, load_documents, sha256_text
from ..errors import UserError
from ..gold import dumps_gold, read_kb, write_gold
from ..io import dumps_canonical, write_text_atomic
from .client import Connection
from .convert import results_to_gold
from .push import DEFAULT_PROJECT, find_project


def snapshot_export(conn: Connection, project_id: int, timeout: float = 600.0) -> list[dict]:
    c = conn.client
    export = conn.call(
        "creating an export",
        c.projects.exports.create,
        id=project_id,
        title="tarifftalks pull",
        serialization_options={
            "predictions": {"only_id": False},
            "annotations__completed_by": {"only_id": False},
            "drafts": {"only_id": True},
        },
    )
    deadline = time.monotonic() + timeout
    status = getattr(export, "status", None)
    while status not in ("completed", "failed"):
        if time.monotonic() > deadline:
            raise UserError(f"the export of project {project_id} did not finish in {timeout:.0f}s")
        time.sleep(0.2)
        got = conn.call("waiting for the export", c.projects.exports.get, project_id, export.id)
        status = getattr(got, "status", None)
    if status == "failed":
        raise UserError(f"Label Studio failed to export project {project_id}")
    raw = conn.call(
        "downloading the export",
        lambda: b"".join(c.projects.exports.download(project_id, export.id, export_type="JSON")),
    )
    # Snapshots pile up in the server's media folder otherwise.
    conn.call("deleting the export", c.projects.exports.delete, project_id, export.id)
    try:
        tasks = json.loads(raw)
    except json.JSONDecodeError:
        raise UserError(f"the export of project {project_id} is not JSON") from None
    if not isinstance(tasks, list):
        raise UserError(f"the export of project {project_id} is not a task list")
    return tasks


# --- pull -------------------------------------------------------------------------------------


def _annotator(ann: dict[str, Any]) -> str:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("id"))
    return str(who)


def convert_tasks(
    tasks: list[dict[str, Any]], docs: dict[str, Document], kb: dict[str, Any] | None
) -> tuple[dict[str, dict], dict[str, dict], list[str], list[str]]:
    """(gold by doc, adjudication records by doc, problems, notices)."""
    chosen: dict[str, dict] = {}
    adjudicate: dict[str, dict] = {}
    problems: list[str] = []
    notices: list[str] = []
    seen: dict[str, int] = {}
    for task in sorted(tasks, key=lambda t: t.get("id", 0)):
        tid = task.get("id")
        data = task.get("data") or {}
        doc_id = data.get("doc_id")
        anns = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not anns:
            continue
        where = f"task {tid} ({doc_id})"
        doc = docs.get(doc_id)
        if doc is None:
            problems.append(f"{where}: doc_id {doc_id!r} is not in seeds/manifest.jsonl")
            continue
        if data.get("text") != doc.text or data.get("sha256") != doc.sha256:
            if sha256_text(str(data.get("text"))) != doc.sha256:
                notices.append(f"{where}: annotates an older text of {doc_id}; skipped")
                continue
        if doc_id in seen:
            problems.append(f"{where}: a second annotated task for {doc_id} (task {seen[doc_id]})")
            continue
        seen[doc_id] = tid
        versions = []
        for ann in anns:
            gold, probs = results_to_gold(ann.get("result"), doc, kb)
            aw = f"{where}, annotation {ann.get('id')} by {_annotator(ann)}"
            problems.extend(f"{aw}: {p}" for p in probs)
            if gold is not None:
                versions.append((ann, gold))
        if len(versions) != len(anns):
            continue
        if len(versions) == 1:
            chosen[doc_id] = versions[0][1]
            continue
        figures = pairwise_agreement([g for _, g in versions])
        notices.append(
            f"{where}: {len(versions)} annotations, agreement "
            + ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
        )
        truth = [g for a, g in versions if a.get("ground_truth")]
        texts = {dumps_gold(g) for _, g in versions}
        if len(truth) == 1:
            chosen[doc_id] = truth[0]
        elif len(texts) == 1:
            chosen[doc_id] = versions[0][1]
        else:
            adjudicate[doc_id] = {
                "doc_id": doc_id,
                "task": tid,
                "agreement": figures,
                "annotations": [
                    {"annotation": a.get("id"), "annotator": _annotator(a), "gold": g}
                    for a, g in versions
                ],
            }
    return chosen, adjudicate, problems, notices


def pull(
    conn: Connection,
    root: Path | None = None,
    project_title: str = DEFAULT_PROJECT,
    accept: bool = False,
    show_diff: bool = True,
    out: Any = None,
) -> dict[str, Any]:
    out = out or sys.stdout
    root = root or paths.repo_root()
    project = find_project(conn, project_title)
    if project is None:
        raise UserError(
            f"no project {project_title!r} on {conn.url}: run `tarifftalks studio push` first"
        )
    docs = {d.doc_id: d for d in load_documents(root)}
    kb_file = paths.kb_path(root)
    kb = read_kb(kb_file) if kb_file.is_file() else None
    tasks = snapshot_export(conn, int(project["id"]))
    chosen, adjudicate, problems, notices = convert_tasks(tasks, docs, kb)
    for n in notices:
        print(n, file=sys.stderr)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        tids = sorted({p.split(" ", 2)[1] for p in problems if p.startswith("task ")})
        raise UserError(
            f"pull refused: {len(problems)} problem(s) in task(s) {', '.join(tids)}; "
            f"first: {problems[0]}; nothing written"
        )

    gdir = paths.gold_dir(root)
    changed, unchanged = [], []
    for doc_id, gold in sorted(chosen.items()):
        new = dumps_gold(gold)
        path = gdir / f"{doc_id}.json"
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if new == old:
            unchanged.append(doc_id)
            continue
        changed.append(doc_id)
        if show_diff:
            out.writelines(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=f"a/{path.relative_to(root)}" if old else "/dev/null",
                    tofile=f"b/{path.relative_to(root)}",
                )
            )
    adir = root / ".studio" / "adjudication"
    for doc_id, record in sorted(adjudicate.items()):
        write_text_atomic(adir / f"{doc_id}.json", dumps_canonical(record))
    if accept:
        for doc_id in changed:
            write_gold(chosen[doc_id], gdir)
    return {
        "tasks": len(tasks),
        "annotated": len(chosen) + len(adjudicate),
        "changed": changed,
        "unchanged": unchanged,
        "adjudicate": sorted(adjudicate),
        "adjudication_dir": str(adir),
        "written": accept,
    }
