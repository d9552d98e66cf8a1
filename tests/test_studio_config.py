"""The labeling config: generated from the schema, checked in, valid for Label Studio."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from label_studio_sdk.label_interface import LabelInterface

from tarifftalks import schema
from tarifftalks.cli import main
from tarifftalks.studio import config

REPO = Path(__file__).resolve().parent.parent


def test_checked_in_config_matches_schema():
    path = REPO / "annotation" / "labeling_config.xml"
    assert path.read_text(encoding="utf-8") == config.labeling_config(), (
        "annotation/labeling_config.xml drifted from the schema: run `tarifftalks studio config`"
    )


def test_config_check_command(tmp_path, capsys):
    assert main(["studio", "config", "--root", str(tmp_path)]) == 0
    assert main(["studio", "config", "--check", "--root", str(tmp_path)]) == 0
    (tmp_path / "annotation" / "labeling_config.xml").write_text("<View/>", encoding="utf-8")
    assert main(["studio", "config", "--check", "--root", str(tmp_path)]) == 2
    assert "out of date" in capsys.readouterr().err


def test_label_interface_accepts_it():
    li = LabelInterface(config.labeling_config())
    li.validate()
    assert li.get_control("line").labels == list(schema.LINE_LABELS)
    assert li.get_control("entity").labels == list(schema.ENTITY_TYPE_NAMES)
    assert li.get_control("trigger").labels == list(schema.EVENT_TYPE_NAMES)


def test_every_inventory_is_in_the_config():
    root = ET.fromstring(config.labeling_config())
    by_name = {el.get("name"): el for el in root.iter() if el.get("name")}
    choices = lambda name: [c.get("value") for c in by_name[name].iter("Choice")]  # noqa: E731
    assert choices("level") == list(schema.LEVEL_NAMES)
    assert choices("realis") == list(schema.REALIS_NAMES)
    roles = [r.get("value") for r in root.iter("Relation")]
    assert roles == list(schema.ROLE_NAMES)
    assert by_name["level"].get("whenLabelValue").split(",") == [
        t for t in schema.ENTITY_TYPE_NAMES if t in schema.LEVELED_TYPES
    ]
    assert by_name["timex"].get("whenLabelValue").split(",") == ["DATE", "TIME"]
    for name in ("kb", "timex", "entity_cluster", "event_cluster", "note"):
        assert by_name[name].get("perRegion") == "true"
