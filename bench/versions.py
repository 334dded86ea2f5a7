"""Question latency of an earlier version of newsbot beside the working tree, in one sitting.

    python -m bench.versions 844fe9f                     # that commit against this tree, at 100k
    python -m bench.versions HEAD~3 --size 10000 --rounds 4
    python -m bench.versions 595ee9f --after b028d4c     # two commits

Speed drifts by 20% or more between runs on a shared machine, so a change is timed against
the code before it by alternating the two over the same synthetic store (bench/speed.py
builds it, with its HNSW graph above the graph threshold) and the same development
questions. Each round runs each version once, in a fresh process with its own tree first on
`PYTHONPATH`, and prints the median over the questions, then the medians by kind of
question (a count, a price, a reason...: each kind tests every candidate passage for what it
asks). The earlier version is checked out in a temporary git worktree. Both must read the
same store and index files.
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
from retrieval.search import asked_kind

# Run inside each version: only what both versions' Archive offers.
TIMING = """
import json, sys, time
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
code = str(Path(sys.modules["retrieval.archive"].__file__).resolve())
print(json.dumps({"code": code, "ms": times}))
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


def timed(tree: Path, data_dir: Path, graph: bool, qs: list[str]) -> list[float]:
    """ms per question, in the order asked."""
    out = subprocess.run(
        [sys.executable, "-c", TIMING, str(data_dir), "graph" if graph else "flat", json.dumps(qs)],
        # `python -c` puts the current directory first on the path, before PYTHONPATH: run
        # from the tree too, and check which code was timed.
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"timing the code in {tree} failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if not Path(result["code"]).is_relative_to(tree.resolve()):
        raise SystemExit(f"timed {result['code']}, not the code in {tree}")
    return [float(t) for t in result["ms"]]


def kind_of(question: str) -> str:
    """What a question asks for, as the ranking tells it (`search.asked_kind`): its test of
    each candidate passage is what makes one kind slower than another."""
    test = asked_kind(question)
    if test is None:
        return "other"
    return getattr(test, "__name__", None) or getattr(getattr(test, "func", None), "__name__", "other")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("revision", help="the earlier version: a commit, tag or branch")
    parser.add_argument("--after", help="a later commit to time instead of the working tree")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument(
        "--store", type=Path, help="a copy of the synthetic store in an older schema, for versions before it"
    )
    args = parser.parse_args()
    require_devset()
    data_dir = args.store or prepare(args.size)
    qs = [q.text for q in questions()][: args.questions]
    graph = args.size >= GRAPH_THRESHOLD
    revisions = [args.revision] + ([args.after] if args.after else [])
    with tempfile.TemporaryDirectory(prefix="newsbot-version-") as scratch:
        trees: dict[str, Path] = {}
        try:
            for n, rev in enumerate(revisions):
                trees[rev] = Path(scratch) / f"tree-{n}"
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(trees[rev]), rev],
                    check=True,
                )
            if not args.after:
                trees["working tree"] = ROOT
            times: dict[str, list[list[float]]] = {name: [] for name in trees}
            for round_ in range(args.rounds):
                order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
                for name in order:
                    times[name].append(timed(trees[name], data_dir, graph, qs))
        finally:
            for rev in revisions:
                if rev in trees and trees[rev].exists():
                    subprocess.run(
                        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(trees[rev])], check=True
                    )
    print(f"\nquestion -> hits at {args.size:,} passages, median ms over {len(qs)} dev questions, per round")
    for name, rounds in times.items():
        medians = [statistics.median(r) for r in rounds]
        listed = "  ".join(f"{v:5.1f}" for v in medians)
        print(f"{name:>14}: {listed}   (median {statistics.median(medians):.1f})")
    # Each question's median over the rounds, then the median of those per kind of question.
    kinds = [kind_of(q) for q in qs]
    print("\nby kind of question, median ms (each question's median over the rounds)")
    print(f"{'kind':>16} {'questions':>9} " + " ".join(f"{name:>14}" for name in times))
    for kind in sorted(set(kinds)):
        row = [
            statistics.median(
                statistics.median(r[i] for r in rounds) for i, k in enumerate(kinds) if k == kind
            )
            for rounds in times.values()
        ]
        print(f"{kind:>16} {kinds.count(kind):>9} " + " ".join(f"{v:>14.1f}" for v in row))


if __name__ == "__main__":
    main()
