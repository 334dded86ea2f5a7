"""The development set in ../shared/eval/dev: articles, pages and questions.

Benchmarks only: the product and its tests never read ../shared.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
SEED = ROOT / "data" / "2024-12-05-moscow-times-russia-us-army-chiefs-call.md"
CACHE = ROOT / "bench" / ".cache"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    article_id: str | None  # None: nothing in the set answers it
    answer: str | None
    kind: str
    # Other passages that answer it as well, each (article id, answer span): "Who is Owen
    # Dempsey?" is answered by each story that introduces him.
    also: tuple[tuple[str, str], ...] = ()

    def answered_by(self, article_id: str | None, passage: str) -> bool:
        answers = ((self.article_id, self.answer), *self.also)
        return any(
            article_id == a and span is not None and contains_answer(passage, span) for a, span in answers
        )


def require_devset() -> None:
    if not (DEV / "qa.jsonl").exists():
        raise SystemExit(
            f"The development set is not at {DEV}; benchmarks need ../shared beside the checkout."
        )


@cache
def ground_truth() -> dict[str, dict[str, str]]:
    return json.loads((DEV / "ground-truth.json").read_text())


def page_html(article_id: str) -> bytes:
    return gzip.decompress((DEV / "html" / f"{article_id}.html.gz").read_bytes())


def questions() -> list[Question]:
    out = []
    for line in (DEV / "qa.jsonl").read_text().splitlines():
        if line.strip():
            q = json.loads(line)
            out.append(Question(q["id"], q["question"], q["article_id"], q["answer"], q["kind"]))
    return out


_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def contains_answer(passage: str, answer: str) -> bool:
    """The passage holds the answer span, or most of it (an answer may straddle two
    passages): at least 60% of its tokens, in a window of the passage."""
    if answer in passage:
        return True
    want = tokens(answer)
    have = set(tokens(passage))
    return (
        bool(want)
        and sum(t in have for t in want) / len(want) >= 0.6
        and _longest_run(want, tokens(passage)) >= min(4, len(want))
    )


def _longest_run(want: list[str], have: list[str]) -> int:
    """Length of the longest stretch of `want` that appears contiguously in `have`."""
    best = 0
    text = " " + " ".join(have) + " "
    for i in range(len(want)):
        for j in range(len(want), i + best, -1):
            if " " + " ".join(want[i:j]) + " " in text:
                best = j - i
                break
    return best
