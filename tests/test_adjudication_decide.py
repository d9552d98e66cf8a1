"""The gold two passes and the adjudication log's decisions determine (`decided_gold`), and the
log rows `studio pull` writes (`skeleton_rows`), on the hand-made fixture of test_validate."""

from __future__ import annotations

import copy

from tarifftalks.adjudication import decided_gold, disagreements, skeleton_rows
from tarifftalks.gold import dumps_gold

from .test_agreement import _pass_b
from .test_validate import TEXT, fixture_gold


def _decide(choices: dict[str, str]) -> list[dict]:
    diffs = disagreements(fixture_gold(), _pass_b(), TEXT)
    return [{**d, "chosen": choices[d["layer"]], "rule": "§1", "why": "test"} for d in diffs]


def test_choosing_one_pass_throughout_gives_that_pass():
    for side, expected in (("a", fixture_gold()), ("b", _pass_b())):
        log = _decide(dict.fromkeys(("lines", "entities", "events"), side))
        gold, problems = decided_gold(fixture_gold(), _pass_b(), log, TEXT)
        assert problems == [] and dumps_gold(gold) == dumps_gold(expected)


def test_mixed_decisions_take_each_item_from_its_side():
    # b's line label, a's entity type, and per event a's version (so "urged" stays)
    gold, problems = decided_gold(
        fixture_gold(), _pass_b(), _decide({"lines": "b", "entities": "a", "events": "a"}), TEXT
    )
    expected = fixture_gold()
    expected["lines"][1]["label"] = "body"
    assert problems == [] and dumps_gold(gold) == dumps_gold(expected)


def test_other_takes_the_logged_value():
    log = _decide({"lines": "other", "entities": "a", "events": "a"})
    log[0]["gold"] = "artifact"
    gold, problems = decided_gold(fixture_gold(), _pass_b(), log, TEXT)
    assert problems == [] and gold["lines"][1]["label"] == "artifact"
    log[0]["gold"] = ["not", "a", "label"]
    gold, problems = decided_gold(fixture_gold(), _pass_b(), log, TEXT)
    assert gold is None and problems == [
        "lines:26-38: gold ['not', 'a', 'label'] is not a lines value"
    ]


def test_open_or_stale_decisions_give_no_gold():
    log = _decide({"lines": "b", "entities": "a", "events": "a"})
    gold, problems = decided_gold(fixture_gold(), _pass_b(), log[1:], TEXT)
    assert gold is None and problems == [
        "lines:26-38: 'By A. Writer' not adjudicated (chosen a/b/other and rule)"
    ]
    log[0]["b"] = "credit"  # decided when pass b said something else
    gold, problems = decided_gold(fixture_gold(), _pass_b(), log, TEXT)
    assert gold is None and "decided between other values" in problems[0]
    # rows of any shape are ignored, never a crash
    gold, problems = decided_gold(fixture_gold(), _pass_b(), [[1], {"id": ["x"]}, "s"], TEXT)
    assert gold is None and len(problems) == 4


def test_contradictory_decisions_are_reported():
    """Dropping the mention an argument of the kept event needs cannot be built."""
    a = fixture_gold()
    b = copy.deepcopy(a)
    officials = next(m for m in b["entities"] if m["text"] == "officials")
    b["entities"].remove(officials)
    for ev in b["events"]:
        ev["arguments"] = [x for x in ev["arguments"] if x["mention"] != officials["id"]]
    a["events"][0]["arguments"].append({"mention": officials["id"], "role": "Destination"})
    diffs = disagreements(a, b, TEXT)
    by_layer = {"entities": "b", "clusters": "b", "events": "a", "lines": "a", "notes": "a"}
    log = [{**d, "chosen": by_layer[d["layer"]], "rule": "§1"} for d in diffs]
    gold, problems = decided_gold(a, b, log, TEXT)
    assert gold is None and any(
        "is no entity mention of the decided version" in p for p in problems
    )


def test_skeleton_keeps_decisions_only_while_their_values_hold():
    diffs = disagreements(fixture_gold(), _pass_b(), TEXT)
    decided = [{**d, "chosen": "a", "gold": None, "rule": "§1", "why": "w"} for d in diffs]
    assert skeleton_rows(diffs, decided) == decided
    redone = copy.deepcopy(diffs)
    redone[0]["b"] = "credit"
    rows = skeleton_rows(redone, decided)
    assert rows[0]["chosen"] is None and rows[1:] == decided[1:]
    assert list(rows[0]) == [
        "id",
        "layer",
        "key",
        "text",
        "a",
        "b",
        "chosen",
        "gold",
        "rule",
        "why",
    ]
