"""Question latency of an earlier version of newsbot beside the working tree, in one sitting.

    python -m bench.versions 844fe9f                     # that commit against this tree, at 100k
    python -m bench.versions HEAD~3 --size 10000 --rounds 4

Speed drifts by 20% or more between runs on a shared machine, so a change is timed against
the code before it by alternating the two over the same synthetic store (bench/speed.py
builds it, with its HNSW graph above the graph threshold) and the same development
questions. Each round runs each version once, in a fresh process with its own tree first on
`PYTHONPATH`, and prints the median over the questions; the earlier version is checked out
in a temporary git worktree. Both must read the same store and index files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.devset import CACHE, ROOT, questions, require_devset
from bench.speed import build_synthetic, sentences, synthetic_passages
from retrieval.archive import Archive
from retrieval.encoder import load_encoder
from retrieval.index import GRAPH_THRESHOLD

# Run inside each version: only what both versions' Archive offers.
TIMING = """
import json, statistics, sys, time
from pathlib import Path
from retrieval.archive import Archive
from retrieval.encoder import load_encoder
data_dir, graph, qs = Path(sys.argv[1]), sys.argv[2] == "graph", json.loads(sys.argv[3])
archive = Archive(data_dir, encoder=load_encoder())
archive.open()
if graph:
    assert archive._ready_index().load_graph(data_dir)
for q in qs:
    archive.search(q, 5)
times = []
for q in qs:
    archive._asked.cache_clear()
    archive._passage_tokens.cache_clear()
    started = time.perf_counter()
    archive.search(q, 5)
    times.append((time.perf_counter() - started) * 1000)
print(statistics.median(times))
"""


def prepare(size: int) -> Path:
    """The synthetic store of `size` passages, with its graph saved when it needs one."""
    rng = random.Random(7)  # as bench.speed, so that its cached store is reused
    base_texts = synthetic_passages(2_000, sentences(), rng)
    cached = CACHE / "speed-base-vectors.npy"
    if cached.exists() and len(np.load(cached)) == len(base_texts):
        base_vectors = np.load(cached)
    else:
        base_vectors = load_encoder().encode(base_texts)
        np.save(cached, base_vectors)
    data_dir = build_synthetic(size, base_texts, base_vectors)
    if size >= GRAPH_THRESHOLD:
        archive = Archive(data_dir, encoder=load_encoder())
        archive.open()
        index = archive._ready_index()
        if not index.load_graph(data_dir):
            index.build_graph()
            index.save_graph(data_dir)
    return data_dir


def timed(tree: Path, data_dir: Path, graph: bool, qs: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", TIMING, str(data_dir), "graph" if graph else "flat", json.dumps(qs)],
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("revision", help="the earlier version: a commit, tag or branch")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    require_devset()
    data_dir = prepare(args.size)
    qs = [q.text for q in questions()][: args.questions]
    graph = args.size >= GRAPH_THRESHOLD
    with tempfile.TemporaryDirectory(prefix="newsbot-version-") as scratch:
        earlier = Path(scratch) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(earlier), args.revision],
            check=True,
        )
        try:
            times: dict[str, list[float]] = {args.revision: [], "working tree": []}
            trees = {args.revision: earlier, "working tree": ROOT}
            for round_ in range(args.rounds):
                order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
                for name in order:
                    times[name].append(timed(trees[name], data_dir, graph, qs))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(earlier)], check=True
            )
    print(f"\nquestion -> hits at {args.size:,} passages, median ms over {len(qs)} dev questions, per round")
    for name, values in times.items():
        rounds = "  ".join(f"{v:5.1f}" for v in values)
        print(f"{name:>14}: {rounds}   (median {statistics.median(values):.1f})")


if __name__ == "__main__":
    main()
