"""Calibrating the relevance floor (NEWSBOT_MIN_RELEVANCE) on the development set.

    python -m bench.floor [--reuse]

Asks every dev question with the floor switched off, takes the best passage's relevance
score, and prints, for each candidate floor, the share of answerable questions it would
wrongly refuse and the share of unanswerable ones it would rightly answer "not found".
"""

from __future__ import annotations

import argparse
import logging

import numpy as np

from bench.devset import questions, require_devset
from bench.retrieval import build_archive
from retrieval.encoder import load_encoder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the archive from the last run")
    args = parser.parse_args()
    require_devset()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    archive, _ = build_archive(load_encoder(), args.reuse)
    archive.min_relevance = -1.0
    answerable, unanswerable = [], []
    for q in questions():
        answer = archive.search(q.text, 1)
        best = answer.hits[0].score if answer.hits else -1.0
        (unanswerable if q.answer is None else answerable).append(best)
    a, u = np.array(answerable), np.array(unanswerable)
    print(
        f"best-passage score, answerable ({len(a)}): min {a.min():.3f}, 5th pct {np.percentile(a, 5):.3f}, median {np.median(a):.3f}"
    )
    print(
        f"best-passage score, unanswerable ({len(u)}): min {u.min():.3f}, median {np.median(u):.3f}, max {u.max():.3f}\n"
    )
    print(f"{'floor':>6}  {'answerable refused':>18}  {'unanswerable not found':>22}")
    for floor in np.arange(0.30, 0.61, 0.025):
        print(f"{floor:6.3f}  {np.mean(a < floor):18.0%}  {np.mean(u < floor):22.0%}")


if __name__ == "__main__":
    main()
