"""The audit's error rates come from the finding files: hand-computed fractions, refusals."""

from __future__ import annotations

import json

import pytest

from tarifftalks.audit import audit_markdown, error_rates, read_audit
from tarifftalks.errors import UserError

from .test_validate import fixture_gold


def test_error_rates_by_hand():
    gold = fixture_gold()  # 5 lines, 9 mentions, 4 events, 7 arguments
    findings = {
        "tt-fix": [
            {"layer": "entities", "item": "T3", "problem": "type", "action": "fixed"},
            {"layer": "arguments", "item": "V1", "problem": "role", "action": "fixed"},
            {"layer": "arguments", "item": "V2", "problem": "doubt", "action": "kept"},
        ],
        "tt-none": [{"layer": "lines", "item": "x", "problem": "no gold", "action": "fixed"}],
    }
    rates = error_rates(findings, {"tt-fix": gold})
    assert rates["entities"] == {"items": 9, "errors": 1, "rate": pytest.approx(1 / 9)}
    assert rates["arguments"] == {"items": 7, "errors": 1, "rate": pytest.approx(1 / 7)}
    assert rates["lines"] == {"items": 5, "errors": 0, "rate": 0.0}
    assert rates["events"]["rate"] == 0.0


@pytest.mark.parametrize(
    "row",
    [
        {"layer": "tokens", "problem": "x", "action": "fixed"},
        {"layer": "lines", "problem": "x", "action": "maybe"},
        {"layer": "lines", "problem": ["x"], "action": "fixed"},
    ],
)
def test_bad_findings_are_refused_with_one_line(tmp_path, row):
    folder = tmp_path / "annotation" / "audit"
    folder.mkdir(parents=True)
    (folder / "tt-000.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(UserError, match="tt-000.jsonl"):
        read_audit(tmp_path)


def test_no_audit_folder_says_so(tmp_path):
    assert "No audit yet" in audit_markdown(tmp_path)
