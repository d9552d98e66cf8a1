"""scikit-learn baselines (docs/DESIGN.md §8): trained and scored by `tarifftalks baselines`."""
