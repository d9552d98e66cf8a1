"""The release a researcher can redistribute: the text-free form (real load_dataset, offline),
rehydration back to the full tables, the shipped KB and event registry, one licence story."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tarifftalks.cli import main
from tarifftalks.corpus import load_documents
from tarifftalks.release import licence
from tarifftalks.release.card import split_front_matter
from tarifftalks.release.features import CONFIGS, FEATURES
from tarifftalks.release.references import KB_FILE, REGISTRY_FILE
from tarifftalks.release.standoff import TEXT_FIELDS, standoff_features
from tarifftalks.scoring.coref import is_document_local

from .conftest import REPO


@pytest.fixture(scope="module")
def standoff(built) -> Path:
    return built.parent / "dataset-standoff"


def _tables(folder: Path) -> dict[str, object]:
    import pyarrow.parquet as pq

    return {
        p.relative_to(folder).as_posix(): pq.read_table(p)
        for p in sorted((folder / "data").rglob("*.parquet"))
    }


def _strings(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every (field path, string) leaf of a row."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _strings(v, f"{path}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [x for v in value for x in _strings(v, path)]
    return []


def _field_names(feature: object) -> set[str]:
    from datasets import LargeList, List

    if isinstance(feature, (List, LargeList)):
        return _field_names(feature.feature)
    if isinstance(feature, dict):
        return set(feature) | {n for f in feature.values() for n in _field_names(f)}
    return set()


def _string_fields(feature: object, path: str = "") -> set[str]:
    """Paths of the fields holding strings (a list of strings counts as its field)."""
    from datasets import LargeList, List, Value

    if isinstance(feature, (List, LargeList)):
        return _string_fields(feature.feature, path)
    if isinstance(feature, dict):
        return {x for k, f in feature.items() for x in _string_fields(f, f"{path}.{k}".lstrip("."))}
    return (
        {path}
        if isinstance(feature, Value) and feature.dtype in ("string", "large_string")
        else set()
    )


# --- the text-free form ---------------------------------------------------------------------------


@pytest.mark.parametrize("config", CONFIGS)
def test_text_free_form_loads_and_carries_no_article_words(standoff, hf_offline, config):
    from datasets import load_dataset

    ds = load_dataset(str(standoff.resolve()), config)
    full = load_dataset(str((standoff.parent / "dataset").resolve()), config)
    assert sorted(ds) == sorted(full)
    texts = [d.text for d in load_documents(REPO) if not d.authored]
    # the words of every text field of the full form: none may appear in the text-free form
    article_strings = {
        s
        for split in full
        for row in full[split]
        for path, s in _strings(row)
        if path.split(".")[-1] in ("text", "title", "tokens")
    }
    for split in ds:
        assert ds[split].num_rows == full[split].num_rows
        assert ds[split].features == standoff_features(config)
        strings = _string_fields(ds[split].features)
        assert not {f.split(".")[-1] for f in strings} & {"text", "tokens", "title"}, strings
        assert "sha256" in ds[split].features or config != "documents"
        for row in ds[split]:
            for path, s in _strings(row):
                # outlet (a publisher's name) and timex (a normalised date) are metadata that
                # can coincide with a span's text; neither is a run of the article's words
                if path in ("outlet", "entity_mentions.timex"):
                    continue
                assert s not in article_strings or not s.strip(), (config, path, s)
                if " " in s.strip():
                    assert not any(s in t for t in texts), (config, path, s)


def test_text_free_features_are_the_full_ones_minus_the_text_fields():
    for config in CONFIGS:
        full, free = _field_names(FEATURES[config]()), _field_names(standoff_features(config))
        removed = {f.split(".")[-1] for f in TEXT_FIELDS[config]}
        assert full - free == removed
        assert free - full == ({"title_span"} if config == "documents" else set())


def test_authored_texts_ship_in_the_text_free_form(built, standoff, tmp_path):
    """An authored document keeps its text (a file under texts/, byte for byte): rehydration
    needs the user's copies of the real articles only."""
    docs = load_documents(REPO)
    authored = [d for d in docs if d.authored]
    assert authored, "the corpus has authored documents (the challenge split)"
    shipped = sorted(p.name for p in (standoff / "texts").iterdir())
    assert shipped == sorted(d.file for d in authored)
    for d in authored:
        assert (standoff / "texts" / d.file).read_bytes() == (REPO / "seeds" / d.file).read_bytes()
    articles = tmp_path / "mine"
    articles.mkdir()
    for d in docs:
        if not d.authored:
            shutil.copy2(REPO / "seeds" / d.file, articles / d.file)
    assert main(["rehydrate", "--standoff", str(standoff), "--articles", str(articles),
                 "--out", str(tmp_path / "re")]) == 0  # fmt: skip
    assert _equal_tables(built, tmp_path / "re")


# --- rehydration ----------------------------------------------------------------------------------


def _equal_tables(a: Path, b: Path) -> bool:
    ta, tb = _tables(a), _tables(b)
    assert sorted(ta) == sorted(tb)
    for rel in ta:
        assert ta[rel].schema == tb[rel].schema, rel
        assert ta[rel].to_pylist() == tb[rel].to_pylist(), rel
    return True


def test_rehydrate_gives_the_tables_of_the_full_form(built, standoff, tmp_path, hf_offline):
    from datasets import load_dataset

    # the user's copies under other names, in a sub-folder, with an unrelated file beside them
    articles = tmp_path / "my-articles"
    (articles / "nested").mkdir(parents=True)
    for i, p in enumerate(sorted((REPO / "seeds").glob("*.txt"))):
        shutil.copy2(p, articles / "nested" / f"copy-{i}.txt")
    (articles / "notes.txt").write_text("unrelated")
    out = tmp_path / "rehydrated"
    assert main(["rehydrate", "--standoff", str(standoff), "--articles", str(articles),
                 "--out", str(out)]) == 0  # fmt: skip
    assert _equal_tables(built, out)
    for name in ("folds.json", KB_FILE, REGISTRY_FILE, licence.LICENSE_FILE):
        assert (out / name).read_bytes() == (built / name).read_bytes()
    ds = load_dataset(str(out.resolve()), "events")
    assert ds["train"].features == FEATURES["events"]()
    row = ds["train"][0]
    m = row["entity_mentions"][0]
    assert row["text"][m["start"] : m["end"]] == m["text"]


def test_rehydrate_refuses_a_changed_article(standoff, tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(REPO / "seeds", articles)
    changed = articles / "002_89c59f3b33c4d19b.txt"
    changed.write_bytes(changed.read_bytes().replace(b"Akazawa", b"Akazawb", 1))
    (articles / "004_d167913b694af8e1.txt").unlink()
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "tarifftalks.cli", "rehydrate", "--standoff", str(standoff),
         "--articles", str(articles), "--out", str(out)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert "Traceback" not in res.stderr
    # one line per document refused or missing, then the one-line summary
    assert len(lines) == 3, res.stderr
    assert str(changed) in lines[0] and "differs from tt-002" in lines[0]
    n_docs = sum(t.num_rows for r, t in _tables(standoff).items() if "/documents/" in r)
    assert lines[1].startswith("tt-004: no file") and f"2 of {n_docs} documents" in lines[2]
    assert not out.exists()


def test_rehydrate_refuses_a_full_folder_and_its_own_input(built, tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "tarifftalks.cli", "rehydrate", "--standoff", str(built),
         "--articles", str(REPO / "seeds"), "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert res.returncode == 2 and "not a text-free" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


# --- shipped references ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["dataset", "dataset-standoff"])
def test_every_kb_and_cluster_id_resolves_in_the_shipped_files(built, form):
    folder = built.parent / form
    kb = {json.loads(line)["id"] for line in (folder / KB_FILE).read_text().splitlines()}
    registry = [json.loads(line) for line in (folder / REGISTRY_FILE).read_text().splitlines()]
    events = {r["id"] for r in registry}
    assert kb and events and all(r["type"] and r["description"] for r in registry)
    tables = _tables(folder)
    kb_used, local, shared = set(), 0, set()
    for rel, table in tables.items():
        if not rel.startswith("data/events/"):
            continue
        for row in table.to_pylist():
            for m in row["entity_mentions"]:
                if m["kb"] is not None:
                    assert m["kb"] in kb, (row["doc_id"], m["kb"])
                    kb_used.add(m["kb"])
            for e in row["event_mentions"]:
                if is_document_local(e["cluster"], row["doc_id"]):
                    local += 1
                else:
                    assert e["cluster"] in events, (row["doc_id"], e["cluster"])
                    shared.add(e["cluster"])
    assert kb_used and local and shared


# --- one licence story ----------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["dataset", "dataset-standoff"])
def test_licence_agrees_in_yaml_body_licence_file_and_croissant(built, form):
    folder = built.parent / form
    meta, body = split_front_matter((folder / "README.md").read_text())
    assert {k: meta[k] for k in licence.yaml_fields()} == licence.yaml_fields()
    assert meta["license"] == "other" and meta["license_link"] == licence.LICENSE_FILE
    statement = licence.licence_markdown()
    assert "## Licence\n\n<!-- generated:licence -->\n" + statement in body
    assert (folder / licence.LICENSE_FILE).read_text() == licence.license_file()
    doc = json.loads((folder / "croissant.json").read_text())
    assert doc["license"] == licence.croissant_license()
    names = [w["name"] for w in doc["license"]]
    for part in licence.PARTS:
        assert f"{part.what}: {part.licence}" in names
        assert f"| {part.what} |" in statement
    assert [w.get("url") for w in doc["license"]] == [p.url for p in licence.PARTS]
    # the three parts: annotations and the project's texts CC BY 4.0, seed texts the publishers'
    assert [p.url for p in licence.PARTS] == [licence.CC_BY_4, licence.CC_BY_4, None]
    assert "Seed texts" in statement and "publishers" in statement
    assert "TariffTalks contributors" in body and f"version = {{{meta['version']}}}" in body


def test_text_free_croissant_validates_offline(standoff):
    res = subprocess.run(
        [str(Path(sys.executable).parent / "mlcroissant"), "validate", "--jsonld",
         str(standoff / "croissant.json")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]


def test_card_explains_the_text_free_fields_and_references():
    card = (REPO / "DATASET_CARD.md").read_text()
    for config in CONFIGS:
        for name in _field_names(standoff_features(config)):
            assert f"`{name}`" in card, name
    for name in (KB_FILE, REGISTRY_FILE, "texts/", "tarifftalks rehydrate", "byte-identical"):
        assert name in card, name
