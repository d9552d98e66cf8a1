"""`tarifftalks studio pull`: annotations -> validated canonical gold, agreement, adjudication.

1. A snapshot export with full bodies (the synchronous export gives prediction ids only); the
   snapshot is deleted afterwards, on the server and, for the local server, its file too.
2. Every task and annotation is checked for shape, then against the schema and the text; one
   bad annotation refuses the whole pull, with its task id, and nothing is written.
3. A document is complete when as many annotators as the project asks for (its overlap setting,
   Label Studio's `maximum_annotations`) have submitted; fewer: it waits.
     one annotator   their annotation is the candidate gold (a review round);
     two annotators  pass a is the annotator with the lower user id, pass b the other. Agreement
                     per layer comes from `tarifftalks.agreement` (the code of `tarifftalks
                     agreement`). Identical versions are the candidate gold; otherwise every
                     disagreement is a row of `annotation/adjudication/<doc_id>.jsonl`, the one
                     adjudication format, and the candidate gold exists once every row is
                     decided (`tarifftalks.adjudication.decided_gold`).
4. A unified diff of each candidate against the current gold is printed. Only `accept=True`
   writes (atomically): the candidates' gold files, and for two-annotator documents their passes
   (`annotation/passes/{a,b}/`) and adjudication rows (decisions already made are kept).
5. Never over a local change: each task carries the sha256 of the gold file as it was pushed
   (`gold_sha256`); a gold file that differs from it now was changed since, and `accept` refuses
   (naming the file) unless told `resolve="overwrite"` (take Label Studio's) or `"keep"`.
"""

from __future__ import annotations

import difflib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from ..adjudication import (
    decided_gold,
    disagreements,
    dumps_log,
    log_path,
    read_log,
    skeleton_rows,
)
from ..agreement import agreement
from ..corpus import Document, load_documents, sha256_text
from ..errors import UserError
from ..gold import dumps_gold, read_kb
from ..io import write_text_atomic
from ..validate import validate_gold
from . import server
from .client import Connection
from .convert import results_to_gold
from .push import DEFAULT_PROJECT, find_project, gold_sha256

_UNKNOWN = "unknown"  # a task pushed before gold_sha256 was recorded


def snapshot_export(
    conn: Connection, project_id: int, timeout: float = 600.0, root: Path | None = None
) -> list[Any]:
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
    got = export
    status = getattr(export, "status", None)
    try:
        while status not in ("completed", "failed"):
            if time.monotonic() > deadline:
                raise UserError(
                    f"the export of project {project_id} did not finish in {timeout:.0f}s"
                )
            time.sleep(0.2)
            got = conn.call("waiting for the export", c.projects.exports.get, project_id, export.id)
            status = getattr(got, "status", None)
        if status == "failed":
            raise UserError(f"Label Studio failed to export project {project_id}")
        raw = conn.call(
            "downloading the export",
            lambda: b"".join(
                c.projects.exports.download(project_id, export.id, export_type="JSON")
            ),
        )
    finally:
        # Snapshots pile up in the server's media folder otherwise. Label Studio 1.23 deletes
        # only the record, so the local server's file is removed here too.
        conn.call("deleting the export", c.projects.exports.delete, project_id, export.id)
        if conn.local:
            server.remove_export(root, project_id, getattr(got, "md5", None))
    try:
        tasks = json.loads(raw)
    except ValueError:
        raise UserError(f"the export of project {project_id} is not JSON") from None
    if not isinstance(tasks, list):
        raise UserError(f"the export of project {project_id} is not a task list")
    return tasks


# --- reading the export -----------------------------------------------------------------------


@dataclass
class Version:
    """One annotator's annotation of a document, as canonical gold."""

    user: int
    who: str
    annotation: Any
    gold: dict[str, Any]


@dataclass
class DocRound:
    doc: Document
    task: int
    pushed: str | None  # sha256 of the gold file at the push; _UNKNOWN when not recorded
    versions: list[Version] = field(default_factory=list)


def _annotator(ann: dict[str, Any]) -> tuple[int | None, str]:
    """(user id, how to name them) of an annotation; the id decides pass a and b."""
    who = ann.get("completed_by")
    if isinstance(who, dict):
        uid = who.get("id")
        email = who.get("email")
        uid = uid if type(uid) is int else None
        return uid, str(email) if isinstance(email, str) and email else f"user {uid}"
    if type(who) is int:
        return who, f"user {who}"
    return None, "an unknown user"


def _tid(task: Any) -> int:
    tid = task.get("id") if isinstance(task, dict) else None
    return tid if type(tid) is int else -1


def read_rounds(
    tasks: list[Any], docs: dict[str, Document], kb: dict[str, Any] | None, wanted: int
) -> tuple[dict[str, DocRound], list[str], list[str]]:
    """(complete documents, problems, notices) of an export. Shapes are checked before values:
    anything that is not what Label Studio writes is one problem line, never an exception."""
    rounds: dict[str, DocRound] = {}
    problems: list[str] = []
    notices: list[str] = []
    for n, task in enumerate(sorted(tasks, key=_tid)):
        if not isinstance(task, dict) or _tid(task) < 0:
            problems.append(f"export item {n}: not a task with an integer id")
            continue
        tid = task["id"]
        data = task.get("data")
        anns = task.get("annotations")
        if anns is None:
            anns = []
        if not isinstance(data, dict) or not isinstance(anns, list):
            problems.append(f"task {tid}: data is not an object or annotations not a list")
            continue
        anns = [a for a in anns if not (isinstance(a, dict) and a.get("was_cancelled") is True)]
        if not anns:
            continue
        doc_id = data.get("doc_id")
        where = f"task {tid} ({doc_id})" if isinstance(doc_id, str) else f"task {tid}"
        doc = docs.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            problems.append(f"{where}: doc_id {doc_id!r} is not in seeds/manifest.jsonl")
            continue
        text = data.get("text")
        if text != doc.text or data.get("sha256") != doc.sha256:
            if not isinstance(text, str) or sha256_text(text) != doc.sha256:
                notices.append(f"{where}: annotates an older text of {doc_id}; skipped")
                continue
        if doc_id in rounds:
            problems.append(
                f"{where}: a second annotated task for {doc_id} (task {rounds[doc_id].task})"
            )
            continue
        pushed = data.get("gold_sha256", _UNKNOWN)
        if pushed is not None and not isinstance(pushed, str):
            pushed = _UNKNOWN
        r = DocRound(doc=doc, task=tid, pushed=pushed)
        users: dict[int, Any] = {}
        bad = False
        for ann in anns:
            if not isinstance(ann, dict):
                problems.append(f"{where}: an annotation that is not an object")
                bad = True
                continue
            uid, who = _annotator(ann)
            aw = f"{where}, annotation {ann.get('id')!r} by {who}"
            if uid is None:
                problems.append(f"{aw}: no annotator id (completed_by)")
                bad = True
                continue
            if uid in users:
                problems.append(
                    f"{aw}: a second annotation by the same annotator (also "
                    f"{users[uid]!r}); delete one"
                )
                bad = True
                continue
            users[uid] = ann.get("id")
            gold, probs = results_to_gold(ann.get("result"), doc, kb)
            problems.extend(f"{aw}: {p}" for p in probs)
            if gold is None:
                bad = True
                continue
            r.versions.append(Version(user=uid, who=who, annotation=ann.get("id"), gold=gold))
        if bad:
            continue
        if len(r.versions) > 2:
            problems.append(
                f"{where}: {len(r.versions)} annotators; a round takes one or two: delete the "
                "extra annotations"
            )
            continue
        if len(r.versions) < min(wanted, 2):
            notices.append(
                f"{where}: {len(r.versions)} of {wanted} annotations; waits for the rest"
            )
            continue
        r.versions.sort(key=lambda v: v.user)  # the rule: lower user id = pass a
        rounds[doc_id] = r
    return rounds, problems, notices


# --- agreement --------------------------------------------------------------------------------


def layer_figures(r: dict[str, Any]) -> dict[str, Any]:
    """The per-layer figures of an `agreement()` result that pull prints and returns."""
    bp, ent, ev = r["boilerplate"], r["entities"]["strict"], r["events"]
    return {
        "lines_kappa": bp["kappa"],
        "lines_same": bp["same"],
        "lines_n": bp["n_lines"],
        "entities_f1": ent["f1"],
        "triggers_f1": ev["trigger_c"]["f1"],
        "arguments_f1": ev["arg_c"]["f1"],
        "realis_same": ev["realis"]["correct"],
        "realis_n": ev["realis"]["n"],
    }


def render_figures(f: dict[str, Any]) -> str:
    return (
        f"lines kappa {f['lines_kappa']:.3f} ({f['lines_same']}/{f['lines_n']} same), "
        f"entities F1 {f['entities_f1']:.3f}, triggers F1 {f['triggers_f1']:.3f}, "
        f"arguments F1 {f['arguments_f1']:.3f}, realis {f['realis_same']}/{f['realis_n']}"
    )


# --- pull -------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read it ({exc})") from None


def _print_capped(lines: list[str], what: str, limit: int = 50) -> None:
    """The first `limit` lines, then a count: a round of thousands of tasks prints a page."""
    for line in lines[:limit]:
        print(line, file=sys.stderr)
    if len(lines) > limit:
        print(f"… and {len(lines) - limit} more {what}", file=sys.stderr)


def _project_overlap(project: dict[str, Any]) -> int:
    wanted = project.get("maximum_annotations")
    return wanted if type(wanted) is int and wanted >= 1 else 1


def pull(
    conn: Connection,
    root: Path | None = None,
    project_title: str = DEFAULT_PROJECT,
    accept: bool = False,
    show_diff: bool = True,
    out: Any = None,
    resolve: str | None = None,
) -> dict[str, Any]:
    """`resolve`: for gold files changed locally since the push, "overwrite" or "keep"."""
    if resolve not in (None, "overwrite", "keep"):
        raise ValueError(resolve)
    out = out or sys.stdout
    root = root or paths.repo_root()
    project = find_project(conn, project_title)
    if project is None:
        raise UserError(
            f"no project {project_title!r} on {conn.url}: run `tarifftalks studio push` first"
        )
    wanted = _project_overlap(project)
    docs = {d.doc_id: d for d in load_documents(root)}
    kb_file = paths.kb_path(root)
    kb = read_kb(kb_file) if kb_file.is_file() else None
    tasks = snapshot_export(conn, int(project["id"]), root=root)
    rounds, problems, notices = read_rounds(tasks, docs, kb, wanted)
    _print_capped(notices, "notice(s)")
    if problems:
        _print_capped(problems, "problem(s)")
        tids = sorted({p.split(" ", 2)[1] for p in problems if p.startswith("task ")})
        raise UserError(
            f"pull refused: {len(problems)} problem(s) in task(s) {', '.join(tids) or '?'}; "
            f"first: {problems[0]}; nothing written"
        )

    gdir = paths.gold_dir(root)
    candidates: dict[str, dict[str, Any]] = {}
    pending: dict[str, dict[str, Any]] = {}
    per_doc: dict[str, dict[str, Any]] = {}
    passes: dict[str, tuple[dict, dict]] = {}
    logs: dict[str, str] = {}
    doc_lines: list[str] = []
    for doc_id, r in sorted(rounds.items()):
        if len(r.versions) == 1:
            candidates[doc_id] = r.versions[0].gold
            continue
        va, vb = r.versions
        a, b = va.gold, vb.gold
        passes[doc_id] = (a, b)
        figures = layer_figures(agreement({doc_id: a}, {doc_id: b}))
        diffs = disagreements(a, b, r.doc.text)
        lpath = log_path(doc_id, root)
        previous = read_log(lpath) if lpath.is_file() else []
        rows = skeleton_rows(diffs, previous)
        logs[doc_id] = dumps_log(rows)
        decided = sum(row["chosen"] is not None for row in rows)
        per_doc[doc_id] = {
            **figures,
            "a": va.who,
            "b": vb.who,
            "disagreements": len(diffs),
            "decided": decided,
        }
        if diffs:
            doc_lines.append(
                f"{doc_id} (task {r.task}): a = {va.who} (user {va.user}), b = {vb.who} "
                f"(user {vb.user}): {render_figures(figures)}; {len(diffs)} disagreement(s), "
                f"{decided} decided"
            )
        if not diffs:
            candidates[doc_id] = a
            continue
        gold, why = decided_gold(a, b, previous, r.doc.text)
        if gold is not None:
            # Both passes were valid; a mix of them can still break a rule (an overlap).
            why = [p.split(": ", 1)[1] for p in validate_gold(gold, r.doc, kb, source="gold")]
        if gold is not None and not why:
            candidates[doc_id] = gold
        else:
            pending[doc_id] = {"disagreements": len(diffs), "decided": decided, "why": why}

    _print_capped(doc_lines, "document(s) with disagreements")
    if len(passes) > len(doc_lines):
        print(
            f"{len(passes) - len(doc_lines)} document(s): both annotators agree on everything",
            file=sys.stderr,
        )
    overall = None
    if passes:
        overall = layer_figures(
            agreement({d: p[0] for d, p in passes.items()}, {d: p[1] for d, p in passes.items()})
        )
        print(
            f"agreement over {len(passes)} document(s) with two annotators: "
            f"{render_figures(overall)}",
            file=sys.stderr,
        )

    changed, unchanged, conflicts, kept = [], [], [], []
    for doc_id, gold in sorted(candidates.items()):
        new = dumps_gold(gold)
        path = gdir / f"{doc_id}.json"
        old = _read_text(path)
        if new == old:
            unchanged.append(doc_id)
            continue
        local = gold_sha256(root, doc_id)
        pushed = rounds[doc_id].pushed
        if pushed == _UNKNOWN or pushed != local:
            conflicts.append(doc_id)
            if resolve == "keep":
                kept.append(doc_id)
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
    for doc_id in conflicts:
        path = gdir / f"{doc_id}.json"
        pushed, local = rounds[doc_id].pushed, gold_sha256(root, doc_id)
        was = "not recorded" if pushed == _UNKNOWN else (pushed or "no file")[:12]
        print(
            f"{path.relative_to(root)}: changed since it was pushed (pushed: {was}; now: "
            f"{(local or 'no file')[:12]})" + ("; kept" if doc_id in kept else ""),
            file=sys.stderr,
        )
    if accept and conflicts and resolve is None:
        names = ", ".join(str((gdir / f"{d}.json").relative_to(root)) for d in conflicts)
        raise UserError(
            f"{names}: changed locally since the push; nothing written. Rerun with "
            "--overwrite-local (take Label Studio's version) or --keep-local (keep the file)"
        )

    written: list[str] = []
    if accept:
        base = paths.annotation_dir(root) / "passes"
        for doc_id, (a, b) in sorted(passes.items()):
            for name, gold in (("a", a), ("b", b)):
                ppath = base / name / f"{doc_id}.json"
                text = dumps_gold(gold)
                if _read_text(ppath) != text:
                    write_text_atomic(ppath, text)
                    written.append(str(ppath.relative_to(root)))
            lpath = log_path(doc_id, root)
            if _read_text(lpath) != logs[doc_id]:
                write_text_atomic(lpath, logs[doc_id])
                written.append(str(lpath.relative_to(root)))
        for doc_id in changed:
            path = gdir / f"{doc_id}.json"
            write_text_atomic(path, dumps_gold(candidates[doc_id]))
            written.append(str(path.relative_to(root)))
    return {
        "tasks": len(tasks),
        "complete": len(rounds),
        "single": sorted(d for d, r in rounds.items() if len(r.versions) == 1),
        "double": sorted(passes),
        "changed": changed,
        "unchanged": unchanged,
        "conflicts": conflicts,
        "kept": kept,
        "adjudicate": sorted(pending),
        "pending": pending,
        "agreement": per_doc,
        "overall": overall,
        "adjudication_dir": str(paths.annotation_dir(root) / "adjudication"),
        "written": written,
        "accepted": accept,
        "overlap": wanted,
    }
