"""Retrieval quality on the development set: newsbot beside the usual bots, in one run.

    python -m bench.retrieval            # build a fresh archive of the dev set, then measure
    python -m bench.retrieval --reuse    # reuse the archive built last time (for tuning loops)

newsbot goes through its own code paths (Archive.ingest -> store -> Archive.search). The
baselines are what a typical Telegram news bot does: MiniLM + FAISS flat over plain
paragraphs (dense-only), and BM25 over the same paragraphs (keyword-only). "no re-read" is
newsbot with NEWSBOT_REREAD=0, to show what re-reading the best passages adds. Last, every
newsbot answer is rendered as the bot sends it, to check that each quote is exact and names
its source.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import faiss

from bench.devset import (
    CACHE,
    SEED,
    Question,
    ground_truth,
    page_html,
    questions,
    require_devset,
)
from bot.replies import answer_messages, plain_text
from bot.terminal import human_date
from retrieval.archive import Archive
from retrieval.encoder import Encoder, load_encoder
from retrieval.extract import extract_article
from retrieval.search import keyword_terms
from retrieval.sources import load_file
from retrieval.store import Draft
from retrieval.text import clean_text
from retrieval.urls import canonical_url

K = 5


@dataclass
class Returned:
    """What a system returned for one question: (article url, passage text), best first."""

    passages: list[tuple[str, str]]


def bench_parser(description: str | None) -> argparse.ArgumentParser:
    """A development-set benchmark's command line: its description, and --reuse."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the archive from the last run")
    return parser


def open_dev_archive(encoder: Encoder, reuse: bool) -> tuple[Archive, dict[str, str]]:
    """`build_archive`, once the development set is known to be there, with only warnings
    logged beside what the benchmark prints."""
    require_devset()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    return build_archive(encoder, reuse)


def build_archive(encoder: Encoder, reuse: bool) -> tuple[Archive, dict[str, str]]:
    """The dev set's articles ingested into a newsbot archive; also url -> dev article id."""
    data_dir = CACHE / "dev-archive"
    urls = {}
    drafts = []
    for article_id, item in ground_truth().items():
        url = canonical_url(item["url"])
        urls[url] = article_id
        page = extract_article(page_html(article_id).decode("utf-8", "replace"), item["url"])
        meta = page or Draft(text="", title="")
        drafts.append(
            Draft(
                text=clean_text(item["articleBody"]),
                title=meta.title,
                url=url,
                publisher=meta.publisher,
                author=meta.author,
                published=meta.published,
            )
        )
    seed = load_file(SEED)[0].draft
    urls[seed.url or ""] = "seed"
    drafts.append(seed)
    if not reuse and data_dir.exists():
        shutil.rmtree(data_dir)
    archive = Archive(data_dir, encoder=encoder)
    if archive.store.stats().articles != len(drafts):
        started = time.perf_counter()
        archive.ingest_many(drafts)
        print(
            f"(built the dev archive: {archive.store.passage_count()} passages in {time.perf_counter() - started:.0f} s)"
        )
    archive.open()
    return archive, urls


def paragraphs() -> list[tuple[str, str]]:
    """(article url, paragraph) for every plain paragraph: what the usual bot indexes."""
    out = []
    for item in ground_truth().values():
        url = canonical_url(item["url"])
        out.extend((url, p.strip()) for p in item["articleBody"].split("\n") if p.strip())
    seed = load_file(SEED)[0].draft
    out.extend((seed.url or "", p) for p in seed.text.split("\n\n"))
    return out


def dense_only(encoder: Encoder, paras: list[tuple[str, str]]) -> Callable[[str], Returned]:
    vectors = encoder.encode([p for _, p in paras])
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    def ask(question: str) -> Returned:
        _, ids = index.search(encoder.encode([question]), K)
        return Returned([paras[i] for i in ids[0] if i >= 0])

    return ask


def keyword_only(paras: list[tuple[str, str]]) -> Callable[[str], Returned]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO p (rowid, body) VALUES (?, ?)", [(i, p) for i, (_, p) in enumerate(paras)])

    def ask(question: str) -> Returned:
        terms = keyword_terms(question)
        if not terms:
            return Returned([])
        query = " OR ".join(f'"{t}"' for t in terms)
        rows = db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT ?", (query, K)).fetchall()
        return Returned([paras[r[0]] for r in rows])

    return ask


def newsbot(archive: Archive) -> Callable[[str], Returned]:
    def ask(question: str) -> Returned:
        answer = archive.search(question, K)
        return Returned([(hit.article.url or "", hit.text) for hit in answer.hits])

    return ask


@dataclass
class Scores:
    recall: dict[int, float]
    mrr: float
    refused_answerable: float
    refused_unanswerable: float
    latency_ms: float


def evaluate(
    ask: Callable[[str], Returned], qs: list[Question], urls: dict[str, str]
) -> tuple[Scores, dict[str, int | None]]:
    ranks: dict[str, int | None] = {}
    refused: dict[str, bool] = {}
    times = []
    for q in qs:
        started = time.perf_counter()
        returned = ask(q.text)
        times.append(time.perf_counter() - started)
        refused[q.id] = not returned.passages
        if q.answer is None:
            continue
        ranks[q.id] = next(
            (
                rank
                for rank, (url, text) in enumerate(returned.passages, start=1)
                if q.answered_by(urls.get(url), text)
            ),
            None,
        )
    answerable = [q for q in qs if q.answer is not None]
    unanswerable = [q for q in qs if q.answer is None]
    recall = {k: sum(1 for q in answerable if (ranks[q.id] or 99) <= k) / len(answerable) for k in (1, 3, 5)}
    mrr = sum(1 / ranks[q.id] for q in answerable if ranks[q.id]) / len(answerable)  # type: ignore[operator]
    scores = Scores(
        recall,
        mrr,
        sum(refused[q.id] for q in answerable) / len(answerable),
        sum(refused[q.id] for q in unanswerable) / max(1, len(unanswerable)),
        statistics.median(times) * 1000,
    )
    return scores, ranks


def print_table(rows: dict[str, Scores]) -> None:
    names = list(rows)
    print(f"{'':34}" + "".join(f"{n:>16}" for n in names))
    lines = [
        ("Recall@1", lambda s: f"{s.recall[1]:.3f}"),
        ("Recall@3", lambda s: f"{s.recall[3]:.3f}"),
        ("Recall@5", lambda s: f"{s.recall[5]:.3f}"),
        ("MRR@5", lambda s: f"{s.mrr:.3f}"),
        ("unanswerable -> not found", lambda s: f"{s.refused_unanswerable:.0%}"),
        ("answerable wrongly not found", lambda s: f"{s.refused_answerable:.0%}"),
        ("median ms per question", lambda s: f"{s.latency_ms:.1f}"),
    ]
    for label, cell in lines:
        print(f"{label:34}" + "".join(f"{cell(rows[n]):>16}" for n in names))


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.errors += 1


def check_highlights(archive: Archive, qs: list[Question], urls: dict[str, str]) -> None:
    """How often the sentence newsbot highlights (bold in the bot's reply) in the passage
    that answers holds the answer: what a reader's eye goes to first."""
    held = answered = 0
    for q in qs:
        if q.answer is None:
            continue
        hits = archive.search(q.text, K).hits
        hit = next((h for h in hits if q.answered_by(urls.get(h.article.url or ""), h.text)), None)
        if hit is not None:
            answered += 1
            held += q.answered_by(urls.get(hit.article.url or ""), hit.highlight)
    print(
        f"the highlight of the answering passage holds the answer: {held} of {answered} "
        f"({held / max(1, answered):.0%})"
    )


def check_answers(archive: Archive, qs: list[Question]) -> None:
    """The answers as a user reads them (the bot's own message rendering): every quote an
    exact substring of its stored article, and every source naming its title or address,
    its publisher and its date whenever the article has them."""
    quotes = exact = sources = named = 0
    # Archive.search itself drops a passage that is not an exact quote (and logs it), so a
    # check of what it returns alone would always pass: the drops are counted too.
    dropped = _Count()
    logging.getLogger("retrieval.archive").addHandler(dropped)
    for q in qs:
        answer = archive.search(q.text, K)
        shown = plain_text("\n\n".join(answer_messages(answer, 1)))
        for hit in answer.hits:
            stored = archive.store.article_text(hit.article.id)
            quotes += 1
            exact += hit.text in stored and hit.text.strip() in shown
            source = hit.article
            wanted = [source.title or source.url, source.publisher, human_date(source.published)]
            sources += 1
            named += all(part in shown for part in wanted if part) and bool(wanted[0])
    logging.getLogger("retrieval.archive").removeHandler(dropped)
    held = list(archive.export())
    print(
        f"\nquotes that are exact substrings of their stored article, as shown: {exact} of {quotes} ({exact / quotes:.0%}); "
        f"passages dropped for not being exact quotes: {dropped.errors}"
    )
    print(
        f"quotes shown with their title or address, publisher and date (when the article has them): "
        f"{named} of {sources} ({named / sources:.0%})"
    )
    print(
        f"articles held with a publisher: {sum(bool(a['publisher']) for a in held)} of {len(held)}, "
        f"with a date: {sum(bool(a['published']) for a in held)} (read from each page's metadata)"
    )


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list the questions newsbot misses: answered below rank 1, or answered when unanswerable",
    )
    args = parser.parse_args()
    encoder = load_encoder()
    archive, urls = open_dev_archive(encoder, args.reuse)
    qs = questions()
    results = compare(archive, encoder, qs, urls, args.misses)
    answerable = sum(q.answer is not None for q in qs)
    print(f"\n{len(qs)} questions ({answerable} answerable), {len(ground_truth()) + 1} articles\n")
    print_table(results)
    check_answers(archive, qs)
    check_highlights(archive, qs, urls)


def compare(
    archive: Archive, encoder: Encoder, qs: list[Question], urls: dict[str, str], misses: bool = False
) -> dict[str, Scores]:
    """newsbot, newsbot without re-reading and the usual bots, asked the same questions."""
    unread = Archive(archive.data_dir, encoder=encoder, reread=0)
    paras = paragraphs()
    systems = {
        "newsbot": newsbot(archive),
        "no re-read": newsbot(unread),
        # The usual bot embeds in fp32 whatever the CPU (newsbot may store passages in bf16).
        "dense-only": dense_only(load_encoder(ingest_precision="fp32"), paras),
        "keyword-only": keyword_only(paras),
    }
    results = {}
    for name, ask in systems.items():
        # Timed warm: every system has read its pages and stemmed its words once, and then
        # each question still pays for its embedding and its re-reading.
        for q in qs:
            ask(q.text)
        for a in (archive, unread):
            a._asked.cache_clear()
            a._passage_tokens.cache_clear()
        results[name], ranks = evaluate(ask, qs, urls)
        if name == "newsbot" and misses:
            for q in qs:
                if q.answer is not None and ranks[q.id] != 1:
                    print(f"  {q.id} rank={ranks[q.id]} {q.kind:11} {q.text}")
                elif q.answer is None and archive.search(q.text, K).answered:
                    print(f"  {q.id} answered {q.kind} {q.text}")
    return results


if __name__ == "__main__":
    main()
