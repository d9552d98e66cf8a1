"""`tarifftalks predict` output pre-annotates exactly its documents on a live Label Studio."""

from __future__ import annotations

import json

from ..test_predict import corpus_with_a_new_document, predict_fast
from .conftest import project_id, run, tasks_of


def test_predict_then_push_pre_annotates_the_new_document(
    team_env, client, tmp_path, capsys, hf_offline
):
    root = corpus_with_a_new_document(tmp_path / "repo")
    preds = tmp_path / "preds.jsonl"
    code, _, err = predict_fast(capsys, root, preds)
    assert code == 0, err
    code, out, err = run(
        capsys,
        "studio",
        "push",
        "--root",
        str(root),
        "--project",
        "predict-push",
        "--predictions",
        str(preds),
        "--model-version",
        "pre-1",
        "--quiet",
    )
    assert code == 0, err
    assert "6 task(s) added" in out
    tasks = {t.data["doc_id"]: t for t in tasks_of(client, project_id(client, "predict-push"))}
    assert sorted(tasks) == [f"tt-00{i}" for i in range(6)]
    with_preds = {k for k, t in tasks.items() if t.predictions}
    assert with_preds == {"tt-005"}  # exactly the predicted documents
    p = tasks["tt-005"].predictions[0]
    p = p if isinstance(p, dict) else p.dict()
    assert p["model_version"] == "pre-1"
    kinds = {r.get("from_name") for r in p["result"]} | {r["type"] for r in p["result"]}
    assert {"line", "entity", "trigger"} <= kinds
    n_lines = len(json.loads(preds.read_text())["lines"])
    assert sum(r.get("from_name") == "line" for r in p["result"]) == n_lines
