"""Benchmark of ingest's index and grouping (not a test): synthetic articles, documents/s, peak
memory, near-duplicate precision/recall.

    python scripts/bench_ingest.py [--docs 10000 100000] [--workers 2] [--exhaustive-max 10000]

Articles are made from the seeds' prose sentences, cut in thirds, reshuffled into new sentences
and reworded (names, numbers and some words swapped), each led by a sentence naming its occasion
(a dated round of talks, drawn from a pool) under a dateline. Planted: exact copies (5%) and
near copies (5%: one sentence dropped, a few words changed, a headline appended) of earlier
articles.

Timed, as `tarifftalks ingest` does it but in memory (writes may be batched): the analysis of
each text (metadata, MinHash sketch, central-event profile, sentence sets; a process pool, it
needs no corpus) streams, in order, into the sha256 check, the LSH query and insert, the story
assignment and the paraphrase check in the joined story. Peak memory is the largest resident
set of this process and of the largest pool worker. Near-duplicate precision/recall count a detected
pair as right when both documents descend from one planted original; on the smaller corpora the
LSH's pairs are also compared with an exhaustive computation of every pair's shingle Jaccard
similarity.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import multiprocessing as mp
import os
import random
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

from tarifftalks.corpus.ingest import Analysis, Corpus, analyze
from tarifftalks.corpus.manifest import doc_id_of
from tarifftalks.corpus.similarity import (
    ShingleIndex,
    prose_lines,
    shingle_hashes,
    split_sentences,
)

REPO = Path(__file__).resolve().parent.parent
SEED = 20250530
SWAPS = {
    "talks": "negotiations",
    "negotiations": "talks",
    "tariffs": "duties",
    "said": "stated",
    "visit": "trip",
    "minister": "official",
    "autos": "cars",
    "cars": "vehicles",
    "key": "central",
    "trade": "commerce",
    "urgency": "haste",
    "offer": "propose",
    "meeting": "session",
    "reported": "said",
}
NAMES = "Akazawa Bessent Greer Lutnick Ishiba Muto Hayashi Kato Tanaka Suzuki Sato Ito".split()
CITIES = "Washington Tokyo Osaka Ottawa Geneva Kananaskis Singapore London".split()
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
MONTHS = "January February March April May June July August September October November December"


def seed_sentences() -> list[list[str]]:
    """The seeds' prose sentences, as word lists."""
    out = []
    for path in sorted((REPO / "seeds").glob("0*.txt")):
        for line in prose_lines(path.read_text(encoding="utf-8")):
            out += [s.split() for s in split_sentences(line) if len(s.split()) >= 9]
    return out


def spliced(sents: list[list[str]], rng: random.Random) -> str:
    """A new sentence from thirds of three seed sentences, so articles rarely share one."""
    parts = []
    for k, words in enumerate(rng.sample(sents, 3)):
        third = len(words) // 3
        parts += words[k * third : (k + 1) * third if k < 2 else len(words)]
    return " ".join(parts)


_SYLLABLES = "ka to ri me sa no ha ru ve lo pi da ne mu zo ta ki be".split()


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def reword(sentence: str, rng: random.Random) -> str:
    """Swap synonyms, names and numbers, and a quarter of the longer words for made-up ones
    (so that unrelated synthetic articles share no more words than real ones do)."""
    words = []
    for w in sentence.split(" "):
        core = w.strip(".,;:“”\"'")
        if len(core) > 4 and core.islower() and rng.random() < 0.25:
            w = w.replace(core, pseudo_word(rng))
        elif core in SWAPS and rng.random() < 0.5:
            w = w.replace(core, SWAPS[core])
        elif core in NAMES and rng.random() < 0.5:
            w = w.replace(core, rng.choice(NAMES))
        elif core.isdigit() and rng.random() < 0.7:
            w = w.replace(core, str(rng.randint(2, 99)))
        words.append(w)
    return " ".join(words)


def make_corpus(n: int, seed: int = SEED) -> tuple[list[str], dict[int, int]]:
    """n texts and, for each planted copy, its original's index (copies of copies included)."""
    rng = random.Random(seed)
    sents = seed_sentences()
    months = MONTHS.split()
    occasions = []
    for _ in range(max(50, n // 40)):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
        occasions.append((day, rng.choice(ORDINALS), rng.choice(CITIES), rng.choice(NAMES)))
    texts: list[str] = []
    origin: dict[int, int] = {}
    for i in range(n):
        r = rng.random()
        if i > 10 and r < 0.05:
            j = rng.randrange(i)
            texts.append(texts[j])
            origin[i] = j
            continue
        if i > 10 and r < 0.10:
            j = rng.randrange(i)
            lines = texts[j].split("\n")
            body = [k for k, ln in enumerate(lines) if len(ln.split()) > 6]
            if len(body) > 3:
                del lines[rng.choice(body[1:])]
            k = rng.choice([k for k, ln in enumerate(lines) if len(ln.split()) > 6])
            lines[k] = reword(lines[k], rng)
            texts.append("\n".join(lines) + f"\nMarkets close mixed as traders weigh item {i}\n")
            origin[i] = j
            continue
        day, ordinal, city, name = rng.choice(occasions)
        published = day - dt.timedelta(days=rng.randrange(0, 3))
        lead = (
            f"{name} is set to meet U.S. officials in {city} on {months[day.month - 1]} "
            f"{day.day} for a {ordinal} round of tariff talks, officials said."
        )
        body = [reword(spliced(sents, rng), rng) for _ in range(rng.randint(7, 11))]
        dateline = f"{months[published.month - 1]} {published.day}, 2025 at 10:{i % 60:02d} JST"
        texts.append("\n".join([dateline, lead, *body, ""]))
    return texts, origin


# --- the timed pipeline --------------------------------------------------------------------

_INDEX: ShingleIndex | None = None


def _analyze(text: str) -> Analysis:
    global _INDEX
    if _INDEX is None:
        _INDEX = ShingleIndex()
    a = analyze(text, hashlib.sha256(text.encode("utf-8")).hexdigest(), _INDEX)
    return dataclasses.replace(a, text="")  # the caller has the text: do not ship it back


CHUNK = 4096  # analyses in flight: two chunks at most, so memory stays bounded


def run_pipeline(texts: list[str], pool) -> dict:
    """Analyses come from the pool chunk by chunk (the next chunk is analysed while this one is
    placed) into the sequential placement."""
    corpus = Corpus()
    near: dict[int, int] = {}
    by_paraphrase: set[int] = set()
    exact: dict[int, int] = {}
    index_of: dict[str, int] = {}
    opened = 0
    t_place = c_place = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    starts = list(range(0, len(texts), CHUNK))

    def submit(lo: int):
        chunk = texts[lo : lo + CHUNK]
        if pool is None:
            return [_analyze(t) for t in chunk]
        return pool.map_async(_analyze, chunk, chunksize=128)

    pending = submit(starts[0]) if starts else None
    for k, lo in enumerate(starts):
        batch = pending if isinstance(pending, list) else pending.get()
        pending = submit(starts[k + 1]) if k + 1 < len(starts) else None
        t1, c1 = time.perf_counter(), time.process_time()
        for i, a in enumerate(batch, lo):
            a = dataclasses.replace(a, text=texts[i])
            if a.sha256 in corpus.by_sha:
                exact[i] = index_of[corpus.by_sha[a.sha256]]
                continue
            doc_id = doc_id_of(i)
            place = corpus.place(doc_id, a)
            if place.near_duplicate_of is not None:
                near[i] = index_of[place.near_duplicate_of]
                if place.near_why.startswith("paraphrase"):
                    by_paraphrase.add(i)
            opened += place.decision.opened
            corpus.remember(
                doc_id,
                a.sha256,
                a.text,
                a.sketch,
                place.published.date,
                place.decision.story_id,
                place.profile,
                a.sentences,
            )
            index_of[doc_id] = i
        del batch
        t_place += time.perf_counter() - t1
        c_place += time.process_time() - c1
    total, cpu_main = time.perf_counter() - t0, time.process_time() - c0
    cpu_kids = _children_cpu() - (kids0.ru_utime + kids0.ru_stime)
    return {
        "total_s": total,
        "placement_s": t_place,
        "cpu_placement_s": c_place,
        "cpu_analysis_s": (cpu_main - c_place) + cpu_kids,
        "by_paraphrase": by_paraphrase,
        "near": near,
        "exact": exact,
        "stories": opened,
    }


def root_of(i: int, origin: dict[int, int]) -> int:
    while i in origin:
        i = origin[i]
    return i


def precision_recall(found: dict[int, int], origin: dict[int, int], texts: list[str]):
    """Over planted near copies (copies that are not byte-identical to an earlier text)."""
    planted = {i for i in origin if texts[i] != texts[origin[i]]}
    right = sum(root_of(i, origin) == root_of(j, origin) for i, j in found.items())
    hits = sum(i in found and root_of(found[i], origin) == root_of(i, origin) for i in planted)
    return right / max(len(found), 1), hits / max(len(planted), 1), len(planted)


def exhaustive_pairs(texts: list[str], threshold: float = 0.5) -> dict[int, int]:
    """For each text, the earliest earlier distinct text whose exact shingle Jaccard ≥ threshold."""
    from scipy import sparse

    seen: dict[str, int] = {}
    keep = []
    for i, t in enumerate(texts):
        if t not in seen:
            seen[t] = i
            keep.append(i)
    rows, cols = [], []
    vocab: dict[int, int] = {}
    for r, i in enumerate(keep):
        for h in shingle_hashes(texts[i]).tolist():
            rows.append(r)
            cols.append(vocab.setdefault(h, len(vocab)))
    x = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(keep), len(vocab))
    )
    size = np.asarray(x.sum(axis=1)).ravel()
    out: dict[int, int] = {}
    block = 1000
    for lo in range(0, len(keep), block):
        inter = (x[lo : lo + block] @ x.T).toarray()
        union = size[lo : lo + block, None] + size[None, :] - inter
        jac = np.where(union > 0, inter / np.maximum(union, 1), 0)
        for r in range(jac.shape[0]):
            g = lo + r
            earlier = np.nonzero(jac[r, :g] >= threshold)[0]
            if len(earlier):
                out[keep[g]] = keep[int(earlier[0])]
    return out


def _children_cpu() -> float:
    """CPU seconds of the pool's workers so far (they are alive: read /proc, not rusage)."""
    total = 0.0
    for child in mp.active_children():
        try:
            with open(f"/proc/{child.pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def _children_peak_mb() -> float:
    peak = 0.0
    for child in mp.active_children():
        try:
            with open(f"/proc/{child.pid}/status") as fh:
                for row in fh:
                    if row.startswith("VmHWM:"):
                        peak = max(peak, int(row.split()[1]) / 1024)
        except OSError:
            pass
    return peak


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return own, _children_peak_mb()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--exhaustive-max", type=int, default=10000)
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {mp.cpu_count()} cpu(s), {args.workers} worker(s)")
    # The pool forks before any corpus exists, so the workers share none of its pages.
    pool = mp.get_context("fork").Pool(args.workers) if args.workers > 1 else None
    for n in args.docs:
        t0 = time.perf_counter()
        texts, origin = make_corpus(n)
        gen = time.perf_counter() - t0
        res = run_pipeline(texts, pool)
        p, r, planted = precision_recall(res["near"], origin, texts)
        own, kids = peak_mb()
        print(
            f"\n{n} articles (generated in {gen:.1f}s; {len(res['exact'])} exact copies, "
            f"{planted} planted near copies): {res['total_s']:.1f}s = "
            f"{n / res['total_s']:.0f} docs/s (of which index + grouping "
            f"{res['placement_s']:.1f}s in the main process); {res['stories']} stories"
        )
        print(
            f"  CPU time: analysis {res['cpu_analysis_s']:.1f}s (all processes), index + "
            f"grouping {res['cpu_placement_s']:.1f}s (one process)"
        )
        print(f"  peak RSS: main {own:.0f} MB, largest worker {kids:.0f} MB")
        print(f"  near-duplicates (LSH + paraphrase): precision {p:.3f}, recall {r:.3f}")
        lsh = {i: j for i, j in res["near"].items() if i not in res["by_paraphrase"]}
        pl, rl, _ = precision_recall(lsh, origin, texts)
        print(
            f"  of which LSH: precision {pl:.3f}, recall {rl:.3f}; paraphrase signal: "
            f"{len(res['by_paraphrase'])} pairs (the generator reuses sentence parts, so "
            "unrelated articles can share three sentences' worth)"
        )
        if n <= args.exhaustive_max:
            t1 = time.perf_counter()
            ex = exhaustive_pairs(texts)
            pe, re_, _ = precision_recall(ex, origin, texts)
            found = set(res["near"].items())
            agree = len(found & set(ex.items())) / max(len(ex), 1)
            print(
                f"  exhaustive Jaccard >= 0.5 ({time.perf_counter() - t1:.1f}s): precision "
                f"{pe:.3f}, recall {re_:.3f}; LSH finds {agree:.3f} of its pairs"
            )
    if pool is not None:
        pool.close()
        pool.join()
    return 0


if __name__ == "__main__":
    re.purge()
    sys.exit(main())
