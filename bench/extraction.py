"""Article extraction on the development set: newsbot's link reading beside plain trafilatura.

    python -m bench.extraction

Every dev page is served from a loopback HTTP server and read through newsbot's own path
(`links.read_link`: fetch, decode, extract), then scored against the page's hand-checked
article body with the benchmark's metric (../shared/eval/dev/README.md): multisets of
4-token shingles, precision and recall averaged over pages, F1 of the two means. Plain
`trafilatura.extract` with its defaults runs on the same HTML in the same run.

Then the same pages are extracted from eight threads at once, for a few seconds, in fresh
processes: through `extract_article` (which lets one thread extract at a time) and through
the same extraction without that lock, to count the processes that crash.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trafilatura

from bench.devset import ground_truth, page_html, require_devset
from retrieval import extract
from retrieval.fetch import FetchRules
from retrieval.links import LinkError, read_link
from tests.loopback import serving

_TOKEN = re.compile(r"\w+")
HAMMER_RUNS = 8
HAMMER_SECONDS = 12
HAMMER_THREADS = 8


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def score(predicted: list[str], truth: list[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) as the benchmark defines them."""
    precisions, recalls = [], []
    for pred, true in zip(predicted, truth, strict=True):
        p, t = shingles(pred), shingles(true)
        tp = sum((p & t).values())
        fp = sum(p.values()) - tp
        fn = sum(t.values()) - tp
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    return precision, recall, 2 * precision * recall / (precision + recall)


@contextmanager
def serve(pages: dict[str, bytes]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.strip("/"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as base:
        yield base


async def newsbot_texts(base: str, ids: list[str], rules: FetchRules) -> list[str]:
    async def one(article_id: str) -> str:
        try:
            draft = await read_link(f"{base}/{article_id}", rules)
        except LinkError:
            return ""
        # The title is stored apart from the text; the benchmark's bodies usually omit it.
        return draft.text

    return list(await asyncio.gather(*(one(i) for i in ids)))


def hammer(locked: bool) -> None:
    """Extract every dev page from several threads at once until the time is up."""
    pages = [page_html(i).decode("utf-8", "replace") for i in sorted(ground_truth())]
    one: Callable[[str], object] = (
        extract.extract_article if locked else lambda html: extract._extract_article(html, None)
    )
    deadline = time.monotonic() + HAMMER_SECONDS
    with ThreadPoolExecutor(HAMMER_THREADS) as pool:
        while time.monotonic() < deadline:
            list(pool.map(one, pages))


def crashes(locked: bool) -> int:
    mode = "locked" if locked else "unlocked"
    command = [sys.executable, "-m", "bench.extraction", "--hammer", mode]
    return sum(subprocess.run(command, capture_output=True).returncode != 0 for _ in range(HAMMER_RUNS))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hammer", choices=("locked", "unlocked"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_devset()
    if args.hammer:
        hammer(args.hammer == "locked")
        return
    truth = ground_truth()
    ids = sorted(truth)
    pages = {i: page_html(i) for i in ids}
    with serve(pages) as base:
        port = int(base.rsplit(":", 1)[1])
        rules = FetchRules(allow_private=True, extra_ports=frozenset({port}))
        ours = asyncio.run(newsbot_texts(base, ids, rules))
    plain = [trafilatura.extract(pages[i].decode("utf-8", "replace")) or "" for i in ids]
    bodies = [truth[i]["articleBody"] for i in ids]
    print(f"{len(ids)} pages\n")
    print(f"{'':28}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, texts in (("newsbot (read_link)", ours), ("trafilatura defaults", plain)):
        p, r, f = score(texts, bodies)
        print(f"{name:28}{p:10.4f}{r:10.4f}{f:10.4f}")
    missed = [i for i, text in zip(ids, ours, strict=True) if not text]
    if missed:
        print(f"\nnewsbot found no article on {len(missed)} page(s): {', '.join(m[:12] for m in missed)}")
    print(
        f"\n{len(ids)} pages from {HAMMER_THREADS} threads for {HAMMER_SECONDS} s, "
        f"in {HAMMER_RUNS} fresh processes each; processes that crashed:"
    )
    print(f"  newsbot (extract_article):        {crashes(locked=True)} of {HAMMER_RUNS}")
    print(f"  the same extraction without it:   {crashes(locked=False)} of {HAMMER_RUNS}")


if __name__ == "__main__":
    main()
