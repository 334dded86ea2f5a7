"""Article extraction on the development set: newsbot's link reading beside plain trafilatura.

    python -m bench.extraction

Every dev page is served from a loopback HTTP server and read through newsbot's own path
(`links.read_link`: fetch, decode, extract), then scored against the page's hand-checked
article body with the benchmark's metric (../shared/eval/dev/README.md): multisets of
4-token shingles, precision and recall averaged over pages, F1 of the two means. Plain
`trafilatura.extract` with its defaults runs on the same HTML in the same run.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trafilatura

from bench.devset import ground_truth, page_html, require_devset
from retrieval.fetch import FetchRules
from retrieval.links import LinkError, read_link
from tests.loopback import serving

_TOKEN = re.compile(r"\w+")


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


def main() -> None:
    require_devset()
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


if __name__ == "__main__":
    main()
