"""scikit-learn baselines (SPEC §8): trained and scored by `tarifftalks baselines`."""
