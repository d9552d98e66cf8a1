"""TariffTalks: an annotated news corpus and benchmark for event extraction."""

__version__ = "0.1.0"
