"""Questions with a slip of the keyboard, on the development set's archive.

    python -m bench.typos [--reuse]

Each answerable development question, and each of bench.wordings' re-worded ones, is asked
with one slip in its longest word (in the word's middle): two letters swapped, a letter
typed twice, a letter left out, a wrong letter, the key beside the right one, or a letter
that sounds alike ("Gerasimof"). Prints Recall@1, Recall@5 and MRR@5 for
each kind of slip, newsbot reading misspelt words as the archive's words it was one slip
from (`retrieval/spelling.py`) beside the same search of the words as typed, and how many
of the questions as written (the near misses too) newsbot reads otherwise than typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bench.devset import Question, questions
from bench.retrieval import bench_parser, open_dev_archive
from bench.wordings import NEAR_MISSES, REWORDED, reworded_questions
from retrieval.archive import Archive
from retrieval.encoder import load_encoder
from retrieval.search import Answer

K = 5
# The key to the right on a QWERTY keyboard (the row's last key: the one to its left).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEXT_KEY = {row[i]: row[i + 1] if i + 1 < len(row) else row[i - 1] for row in _ROWS for i in range(len(row))}
# One letter for another that sounds the same, as a name heard rather than read is typed.
SOUNDS_ALIKE = {"f": "v", "v": "f", "c": "k", "k": "c", "s": "z", "z": "s", "i": "y", "y": "i"}


def _sounds_alike(word: str, middle: int) -> str:
    """`word` with the letter nearest its middle that has a sound-alike (`SOUNDS_ALIKE`)
    replaced by it, the first letter kept; unchanged when it has none."""
    at = [i for i in range(1, len(word)) if word[i].lower() in SOUNDS_ALIKE]
    if not at:
        return word
    i = min(at, key=lambda j: abs(j - middle))
    return word[:i] + SOUNDS_ALIKE[word[i].lower()] + word[i + 1 :]


SLIPS: dict[str, Callable[[str, int], str]] = {
    "swapped": lambda w, i: w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :],
    "typed twice": lambda w, i: w[:i] + w[i] + w[i:],
    "left out": lambda w, i: w[:i] + w[i + 1 :],
    "wrong letter": lambda w, i: w[:i] + ("e" if w[i] != "e" else "a") + w[i + 1 :],
    "next key": lambda w, i: w[:i] + NEXT_KEY.get(w[i].lower(), w[i]) + w[i + 1 :],
    "sounds alike": _sounds_alike,
}


def with_slip(question: str, slip: Callable[[str, int], str]) -> str:
    longest = max(re.findall(r"[A-Za-z]{6,}", question), key=len, default=None)
    if longest is None:
        return question
    return question.replace(longest, slip(longest, len(longest) // 2), 1)


def rank(answer: Answer, question: Question, urls: dict[str, str]) -> int | None:
    for n, hit in enumerate(answer.hits, 1):
        if question.answered_by(urls.get(hit.article.url or ""), hit.text):
            return n
    return None


def read_as_meant(archive: Archive, question: str) -> Answer:
    return archive.search(question, K)


def as_typed(archive: Archive, question: str) -> Answer:
    """The same search, of the words as typed."""
    return archive._search(question, K)


def scores(ranks: list[int | None]) -> str:
    n = len(ranks)
    r1 = sum(r == 1 for r in ranks) / n
    r5 = sum(r is not None for r in ranks) / n
    mrr = sum(1 / r for r in ranks if r) / n
    return f"{r1:.3f} / {r5:.3f} / {mrr:.3f}"


def main() -> None:
    args = bench_parser(__doc__).parse_args()
    archive, urls = open_dev_archive(load_encoder(), args.reuse)
    dev = {q.id: q for q in questions()}
    sets = {
        "development": [q for q in dev.values() if q.kind != "unanswerable"],
        "re-worded": reworded_questions(dev),
    }
    print("R@1 / R@5 / MRR@5 with one slip in each question's longest word\n")
    print(f"{'questions':12} {'slip':13} {'read as meant':>22} {'words as typed':>22}")
    for name, asked in sets.items():
        for kind, slip in SLIPS.items():
            row = []
            for search in (read_as_meant, as_typed):
                row.append(scores([rank(search(archive, with_slip(q.text, slip)), q, urls) for q in asked]))
            print(f"{name:12} {kind:13} {row[0]:>22} {row[1]:>22}")
    written = [q.text for q in dev.values()] + [text for _, text in REWORDED] + list(NEAR_MISSES)
    read = [(q, a.read_as) for q in written if (a := archive.search(q)).read_as]
    print(f"\nquestions as written, read otherwise than typed: {len(read)} of {len(written)}")
    for question, meant in read:
        print(f"  {question}\n    -> {meant}")


if __name__ == "__main__":
    main()
