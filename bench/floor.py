"""Calibrating the relevance floor (NEWSBOT_MIN_RELEVANCE) on the development set.

    python -m bench.floor [--reuse]

Asks every dev question with the floor switched off, takes the best passage's relevance
score, and prints, for each candidate floor, the share of answerable questions it would
wrongly refuse and the share of unanswerable ones it would rightly answer "not found". A
long question is held to the floor plus LONG_QUESTION_RAISE (`relevance_floor`), as in
search; the scores are also listed for long and shorter questions apart.
"""

from __future__ import annotations

import numpy as np

from bench.devset import questions
from bench.retrieval import bench_parser, open_dev_archive
from retrieval.encoder import load_encoder
from retrieval.search import LONG_QUESTION_TERMS, keyword_terms, relevance_floor


def main() -> None:
    args = bench_parser(__doc__).parse_args()
    archive, _ = open_dev_archive(load_encoder(), args.reuse)
    archive.min_relevance = -1.0
    answerable, unanswerable = [], []  # (the question's keywords, its best passage's score)
    for q in questions():
        answer = archive.search(q.text, 1)
        best = answer.hits[0].score if answer.hits else -1.0
        (unanswerable if q.answer is None else answerable).append((keyword_terms(q.text), best))
    for name, asked in (("answerable", answerable), ("unanswerable", unanswerable)):
        for long in (True, False):
            group = [best for terms, best in asked if (len(terms) >= LONG_QUESTION_TERMS) == long]
            s = np.array([best for best in group if best > -1.0])
            line = f"best-passage score, {name}, {'long' if long else 'shorter'} ({len(group)}"
            if len(s) < len(group):  # the coverage and price rules refuse these at any floor
                line += f", {len(group) - len(s)} not found whatever the floor"
            if len(s):
                line += (
                    f"): min {s.min():.3f}, 5th pct {np.percentile(s, 5):.3f}, "
                    f"median {np.median(s):.3f}, max {s.max():.3f}"
                )
            print(line if len(s) else line + ")")
    print(
        f"\n{'floor':>6}  {'long questions':>14}  {'answerable refused':>18}  {'unanswerable not found':>22}"
    )
    for floor in np.arange(0.30, 0.61, 0.025):
        refused = [
            [best < relevance_floor(terms, floor) for terms, best in asked]
            for asked in (answerable, unanswerable)
        ]
        print(
            f"{floor:6.3f}  {relevance_floor(['x'] * LONG_QUESTION_TERMS, floor):14.3f}  "
            f"{np.mean(refused[0]):18.0%}  {np.mean(refused[1]):22.0%}"
        )


if __name__ == "__main__":
    main()
