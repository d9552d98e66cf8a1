"""`tarifftalks predict` uses the best system per layer that `tarifftalks baselines` recorded."""

from __future__ import annotations

import json

from tarifftalks.baselines.predict import best_choice, choice_of_systems


def test_recorded_choice_maps_layers_to_prediction_keys(tmp_path):
    (tmp_path / "baselines").mkdir()
    recorded = {"boilerplate": "sklearn", "entities": "crf", "events": "crf"}
    (tmp_path / "baselines" / "results.json").write_text(json.dumps({"predict_choice": recorded}))
    assert best_choice(tmp_path) == {"lines": "sklearn", "entities": "crf", "events": "crf"}


def test_without_a_recorded_choice_the_sklearn_pipelines_predict_every_layer(tmp_path):
    assert best_choice(tmp_path) == {"lines": "sklearn", "entities": "sklearn", "events": "sklearn"}
    (tmp_path / "baselines").mkdir()
    (tmp_path / "baselines" / "results.json").write_text('{"predict_choice": ["crf"]}')
    assert best_choice(tmp_path)["entities"] == "sklearn"


def test_listed_systems_compose_first_one_per_layer_wins():
    assert choice_of_systems(("justext", "crf")) == {
        "lines": "justext",
        "entities": "crf",
        "events": "crf",
    }
