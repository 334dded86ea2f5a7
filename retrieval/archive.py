"""The news archive: what the command line and the bot talk to.

It ties the store (truth), the FAISS index (a cache of the store's vectors) and the encoder
together. Every method blocks (model, FAISS, SQLite) and is safe to call from several threads,
so asyncio callers run them with `asyncio.to_thread`.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval import copies
from retrieval.counts import MONEY_WORDS, asks_for_money
from retrieval.encoder import DEFAULT_MODEL, Encoder, QueryBatcher, load_encoder, passage_input, vectors_key
from retrieval.errors import NewsbotError
from retrieval.index import IndexMissing, IndexProblem, PassageIndex, index_file_size, read_manifest
from retrieval.introductions import asks_who_is, introduction, mentions
from retrieval.passages import split_passages
from retrieval.search import (
    DEFAULT_REREAD,
    HELD_MIN_COSINE,
    LATEST_POOL,
    MAX_NAME_SEARCH_TERMS,
    MAX_QUESTION_CHARS,
    MIN_ARTICLE_COVERAGE,
    REREAD_WEIGHT,
    SAME_ARTICLE_PENALTY,
    SPECIFIC_QUESTION_TERMS,
    Answer,
    Candidate,
    Hit,
    asked_kind,
    asks_for_latest,
    asks_for_the_news,
    choose,
    close_call,
    coverage,
    covers,
    echoed,
    holds_words,
    keyword_terms,
    make_hit,
    named_words,
    names_a_topic,
    newest_first,
    normalize_question,
    on_subject,
    relevance_floor,
    reread_score,
    source_of,
    with_copies,
    wording_of,
)
from retrieval.spelling import read_as
from retrieval.store import Article, Copy, Draft, Passage, Store
from retrieval.text import content_hash
from retrieval.urls import canonical_url

log = logging.getLogger(__name__)

DEFAULT_TOP_K = 3
# Cosine between question and passage below which a passage does not answer the question.
# Calibrated on real news questions; docs/relevance.md says how.
DEFAULT_MIN_RELEVANCE = 0.40
# How many passages each search hands on to ranking. Every candidate is read from SQLite and
# checked (words held, what its kind of question asks), which at 100k passages made 50 + 50
# cost 1.3 ms more per question than 30 + 30, for the same ranks on the development set and
# no loss with 10,000 near-copies of its passages added (docs/relevance.md).
DENSE_CANDIDATES = 30
KEYWORD_CANDIDATES = 30
# A "who is X?" question reads the text of this many articles that name X, at most: in a
# large archive a famous name is in hundreds (`Archive._with_introductions`).
INTRODUCED_ARTICLES = 10
EMBED_BATCH = 32
# A story holding this share of a question's words is about what was asked.
NEAREST_COVERAGE = 0.75
SYNC_CHUNK = 20_000  # vectors read from SQLite at a time (30 MB at 384 dimensions)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class IngestResult:
    article: Article
    added: bool
    duplicate: str | None = None  # why it was not added: "the same address", "the same text"
    passages: int = 0
    replaced: bool = False  # it took the place of an older version at the same address
    copy_recorded: bool = False  # its address was recorded as another source of `article`


@dataclass(frozen=True)
class ArchiveStats:
    articles: int
    passages: int
    model: str
    indexed: int | None  # vectors in the saved index; None when there is none yet
    index_bytes: int
    newest_published: str | None
    newest_ingested: str | None


@dataclass(frozen=True)
class Rebuilt:
    passages: int  # in the new index
    recut_articles: int  # articles cut into passages anew, under the current rules


@dataclass(frozen=True)
class Asked:
    """A question as the model read it."""

    vector: np.ndarray  # what the index is searched with
    tokens: np.ndarray  # one row per token, half precision: what re-reading compares


class Archive:
    def __init__(
        self,
        data_dir: Path,
        model: str = DEFAULT_MODEL,
        min_relevance: float = DEFAULT_MIN_RELEVANCE,
        top_k: int = DEFAULT_TOP_K,
        encoder: Encoder | None = None,
        graph: bool = False,
        model_cache: Path | None = None,
        reread: int = DEFAULT_REREAD,
        ingest_precision: str = "auto",
    ) -> None:
        """`graph`: keep an HNSW graph beside the exact index once the archive is large,
        built in a background thread; for long-running processes such as the bot (a
        one-question command would pay for a graph it never uses). `model_cache`: where the
        model's ONNX export is kept (see `encoder.load_encoder`). `reread`: at most how many
        of the best passages are re-read word by word against the question when they are
        paragraphs of one article that score close together (0: never, fastest).
        `ingest_precision`: how passages being stored are embedded (`encoder.PRECISIONS`)."""
        self.data_dir = Path(data_dir)
        self.model = model
        self.model_cache = model_cache
        self.min_relevance = min_relevance
        self.top_k = top_k
        self.reread = reread
        self.ingest_precision = ingest_precision
        self.store = Store(self.data_dir)
        self._graph = graph
        self._encoder = encoder
        self._index: PassageIndex | None = None
        self._open_lock = threading.Lock()
        self._graph_job = threading.Lock()  # held while a graph is loaded or built
        self._sync_lock = threading.Lock()
        # A question's vector and tokens (about 25 KB at 30 tokens): "More" asks it again.
        self._asked = functools.lru_cache(maxsize=512)(QueryBatcher(self._read_questions))
        # Re-reading costs a pass of the model per passage; people asking about the day's
        # story reach the same few passages (half precision: 70 KB each).
        self._passage_tokens = functools.lru_cache(maxsize=512)(self._encode_passage_tokens)
        self._keyword_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="keywords")

    # -- the model and the index, loaded on first use --------------------------------------

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._open_lock:
                if self._encoder is None:
                    self._encoder = load_encoder(self.model, self.model_cache, self.ingest_precision)
        return self._encoder

    def open(self, progress: Progress | None = None) -> None:
        """Load the model and a usable index now rather than on the first question."""
        self._ready_index(progress)

    def _ready_index(self, progress: Progress | None = None) -> PassageIndex:
        index = self._index
        if index is None:
            encoder = self.encoder
            with self._open_lock:
                if self._index is None:
                    self._index = self._load_or_rebuild(encoder, progress)
                index = self._index
        self._sync(index)
        if self._graph and index.needs_graph() and self._graph_job.acquire(blocking=False):
            threading.Thread(target=self._build_graph, args=(index,), name="hnsw", daemon=True).start()
        return index

    def _build_graph(self, index: PassageIndex) -> None:
        """Load the saved graph, or build one and save it; searches stay exact meanwhile."""
        started = time.perf_counter()
        try:
            if not index.has_graph:
                try:
                    if index.load_graph(self.data_dir):
                        log.info("HNSW graph loaded in %.1f s.", time.perf_counter() - started)
                        return
                except IndexProblem as problem:
                    log.warning("Building a new HNSW graph: the saved one cannot be used (%s).", problem)
            index.build_graph()
            log.info("HNSW graph of %d vectors built in %.0f s.", len(index), time.perf_counter() - started)
            try:
                index.save_graph(self.data_dir)
            except OSError as exc:
                log.warning("Could not save the HNSW graph (%s); the next start builds it again.", exc)
        except Exception:
            log.exception("Building the HNSW graph failed; searches stay exact.")
        finally:
            self._graph_job.release()

    def _load_or_rebuild(self, encoder: Encoder, progress: Progress | None) -> PassageIndex:
        key = vectors_key(encoder)
        embedded = self._embed_missing(encoder, progress)
        try:
            index = PassageIndex.load(self.data_dir, key, encoder.dim)
        except IndexMissing:
            log.info("Building the search index from the store.")
            index = PassageIndex(key, encoder.dim)
        except IndexProblem as problem:
            log.warning("Rebuilding the search index from the store: %s.", problem)
            index = PassageIndex(key, encoder.dim)
        before = index.revision
        added, removed = self._sync(index)
        if before >= 0 and (added or removed):
            log.warning(
                "The search index was out of step with the store (%d passages added, %d removed); repaired.",
                added,
                removed,
            )
        if index.revision != before or embedded:
            self._save(index)
        return index

    def _embed_missing(self, encoder: Encoder, progress: Progress | None) -> int:
        """Embed passages that have no vectors from this encoder (a new model, or vectors
        lost): the store must hold a vector for every passage before the index is built."""
        key = vectors_key(encoder)
        have = set(self.store.embedded_ids(key).tolist())
        total = self.store.passage_count()
        if len(have) >= total:
            return 0
        log.warning(
            "Embedding %d passages with %s (no vectors from this model yet).", total - len(have), self.model
        )
        done = 0
        for batch in self.store.iter_passages_for_embedding():
            todo = [row for row in batch if row[0] not in have]
            if todo:
                vectors = encoder.encode([passage_input(title, text) for _, title, text in todo], EMBED_BATCH)
                self.store.put_embeddings(key, [row[0] for row in todo], vectors)
                done += len(todo)
                if progress:
                    progress(len(todo))
        return done

    def _sync(self, index: PassageIndex) -> tuple[int, int]:
        """Bring the index level with the store; returns (passages added, removed).

        Cheap when nothing changed (one small query), which is every question but the first
        after another process wrote to the store.
        """
        revision = self.store.revision()
        if index.revision == revision:
            return 0, 0
        with self._sync_lock:
            revision = self.store.revision()
            if index.revision == revision:
                return 0, 0
            have = index.ids()
            stored = self.store.embedded_ids(index.vectors)
            extra = np.setdiff1d(have, stored, assume_unique=True)
            missing = np.setdiff1d(stored, have, assume_unique=True)
            index.remove(extra)
            for start in range(0, len(missing), SYNC_CHUNK):
                ids, vectors = self.store.embeddings(
                    index.vectors, index.dim, missing[start : start + SYNC_CHUNK]
                )
                index.add(ids, vectors)
            index.revision = revision
            return len(missing), len(extra)

    def _save(self, index: PassageIndex) -> None:
        try:
            index.save(self.data_dir)
        except OSError as exc:
            # The store still has everything; the next start rebuilds the index from it.
            log.warning("Could not save the search index (%s); it stays in memory only.", exc.strerror or exc)

    def save_index(self) -> None:
        """Bring the index file level with the store (opening the index if need be)."""
        self._save(self._ready_index())

    # -- adding and removing articles ------------------------------------------------------

    def ingest(self, draft: Draft, save: bool = True, refresh: bool = False) -> IngestResult:
        """Add an article unless it is already held (same address or same text). With
        `refresh`, an article at the same address whose text changed is replaced."""
        digest = content_hash(draft.text)
        known = self._duplicate(draft, digest)
        replaces = None
        if (
            known
            and refresh
            and known.duplicate == "the same address"
            and known.article.content_hash != digest
        ):
            replaces = known.article.id
        elif known:
            return known
        spans = split_passages(draft.text)
        if not spans:
            raise NewsbotError("The article has no text to index.")
        encoder = self.encoder
        vectors = encoder.encode(
            [passage_input(draft.title, draft.text[s.start : s.end]) for s in spans], EMBED_BATCH
        )
        try:
            article, _ = self.store.add_article(draft, digest, spans, vectors_key(encoder), vectors, replaces)
        except sqlite3.IntegrityError:
            # Another process stored the same article while this one was embedding it.
            known = self._duplicate(draft, digest)
            if known:
                return known
            raise
        if save:
            self.save_index()
        return IngestResult(article, added=True, passages=len(spans), replaced=replaces is not None)

    def ingest_many(
        self, drafts: list[Draft], progress: Progress | None = None, refresh: bool = False
    ) -> list[IngestResult]:
        results = []
        for draft in drafts:
            results.append(self.ingest(draft, save=False, refresh=refresh))
            if progress:
                progress(1)
        if any(r.added for r in results):
            self.save_index()
        return results

    def _duplicate(self, draft: Draft, digest: str) -> IngestResult | None:
        """The stored article this draft repeats, if any. A copy under a new address (wire
        copy, a re-post) is recorded as another source of the stored story."""
        if draft.url:
            same_url = self.store.article_by_url(draft.url)
            if same_url:
                return IngestResult(same_url, added=False, duplicate="the same address")
            copy = self.store.copy_by_url(draft.url)
            if copy:
                article = self.store.article(copy.article_id)
                if article:
                    return IngestResult(article, added=False, duplicate="the same address, as a copy")
        same = self.store.article_by_hash(digest)
        why = "the same text"
        if same is None:
            near = self.store.near_duplicate(copies.sketch(draft.text), copies.NEAR_DUPLICATE)
            same, why = (near[0], "nearly the same text") if near else (None, why)
        if same is None:
            return None
        recorded = (
            bool(draft.url)
            and draft.url != same.url
            and self.store.add_copy(Copy(same.id, draft.url, draft.title, draft.publisher, draft.published))
        )
        return IngestResult(same, added=False, duplicate=why, copy_recorded=recorded)

    def find(self, url_or_id: str) -> Article | None:
        value = url_or_id.strip()
        if value.isdigit():
            return self.store.article(int(value))
        try:
            return self.store.article_by_url(canonical_url(value))
        except NewsbotError:
            return None

    def remove(self, url_or_id: str) -> Article:
        article = self.find(url_or_id)
        if article is None:
            what = "id" if url_or_id.strip().isdigit() else "address"
            raise NewsbotError(
                f"No article with the {what} {url_or_id.strip()!r}. `newsbot stats` lists how many there are."
            )
        self.store.remove_article(article.id)
        index = self._index
        if index is None:
            # Keep the file in step without loading the model: removal needs no new vectors.
            try:
                index = PassageIndex.load(self.data_dir)
            except IndexProblem:
                return article  # the next start rebuilds it from the store anyway
        self._sync(index)
        self._save(index)
        return article

    def rebuild(self, progress: Progress | None = None) -> Rebuilt:
        """Re-cut articles whose passages were cut under other rules (an archive made by an
        earlier version), then re-embed every passage into a new index and swap it in.

        Questions keep being answered from the old index meanwhile, and a crash part way
        leaves a usable archive: each article is re-cut in one transaction, and the old index
        file stays in place until the new one is saved.
        """
        encoder = self.encoder
        key = vectors_key(encoder)
        fresh = PassageIndex(key, encoder.dim)
        recut_ids: set[int] = set()
        recut = 0
        for article_id in self.store.article_ids():
            new_ids = self._recut(article_id, encoder, fresh)
            if new_ids:
                recut += 1
                recut_ids.update(new_ids)
                if progress:
                    progress(len(new_ids))
        for batch in self.store.iter_passages_for_embedding(batch=EMBED_BATCH * 4):
            batch = [row for row in batch if row[0] not in recut_ids]  # embedded just now
            if not batch:
                continue
            vectors = encoder.encode([passage_input(title, text) for _, title, text in batch], EMBED_BATCH)
            ids = np.array([row[0] for row in batch], dtype=np.int64)
            self.store.put_embeddings(key, ids.tolist(), vectors)
            fresh.add(ids, vectors)
            if progress:
                progress(len(batch))
        self._sync(fresh)  # articles added or removed by others while this ran
        fresh.save(self.data_dir)
        self._index = fresh
        return Rebuilt(passages=len(fresh), recut_articles=recut)

    def _recut(self, article_id: int, encoder: Encoder, fresh: PassageIndex) -> list[int]:
        """Cut an article into passages under the current rules if its stored ones differ;
        the new passages' ids (embedded and added to `fresh`), or [] when nothing changed."""
        article = self.store.article(article_id)
        if article is None:  # removed meanwhile
            return []
        text = self.store.article_text(article_id)
        spans = split_passages(text)
        if not spans or spans == self.store.passage_spans(article_id):
            return []
        vectors = encoder.encode(
            [passage_input(article.title, text[s.start : s.end]) for s in spans], EMBED_BATCH
        )
        try:
            ids = self.store.replace_passages(article_id, text, spans, vectors_key(encoder), vectors)
        except NewsbotError:  # removed or refreshed by another process meanwhile: left as it is
            return []
        fresh.add(np.array(ids, dtype=np.int64), vectors)
        return ids

    # -- asking ----------------------------------------------------------------------------

    def search(self, question: str, k: int | None = None) -> Answer:
        q = check_question(question)
        # A misspelt word is read as the archive's word it was meant for, and the reader is
        # told so: "plauge" as "plague" (`spelling`).
        meant = read_as(q, self.store.passages_holding, self.encoder.knows_word)
        answer = self._search(meant or q, self.top_k if k is None else k)
        if not meant:
            return answer
        # Not found is said of the question as typed: a reading that found nothing would only
        # tell the reader of a mistake that may not be theirs ("Who is Tom Hanks?" read as
        # "Who is Tom Hands?").
        helped = answer.answered or answer.nearest is not None
        return replace(answer, question=q, read_as=meant if helped else None)

    def _search(self, q: str, k: int) -> Answer:
        index = self._ready_index()
        terms = keyword_terms(q)
        if asks_for_the_news(q, terms):
            return self._newest_stories(q, k, index)
        # The keyword search needs no vector: SQLite runs it while the model embeds the
        # question (both release the GIL), which hides most of its cost.
        keyword_future = self._keyword_pool.submit(self.store.keyword_search, terms, KEYWORD_CANDIDATES)
        asked = self._asked(q)
        query = asked.vector
        dense = index.search(query, DENSE_CANDIDATES)
        keyword = dict(keyword_future.result())
        best_keyword = max(keyword.values(), default=1.0) or 1.0
        cosine = dict(dense)
        cosine.update(index.cosines(query, [pid for pid in keyword if pid not in cosine]))
        ids = list(dict.fromkeys([*cosine, *keyword]))
        passages = self.store.passages(ids)  # passages removed since the index saw them drop out
        money = asks_for_money(q)
        states_asked = asked_kind(q)
        floor = relevance_floor(terms, self.min_relevance)
        candidates = []
        for pid in ids:
            if pid not in passages:
                continue
            similarity = cosine.get(pid, -1.0)
            held = similarity < floor and holds_words(terms, passages[pid].text, similarity)
            candidates.append(
                Candidate(
                    passage=passages[pid],
                    dense=similarity,
                    keyword=keyword.get(pid, 0.0) / best_keyword,
                    holds_words=held,  # only matters below the floor, so only worked out there
                )
            )
        if who := asks_who_is(q):
            candidates = self._with_introductions(who, candidates)
        if terms and len(terms) <= MAX_NAME_SEARCH_TERMS:
            candidates = self._name_search(terms, candidates)
        if states_asked is not None:
            # Only passages that clear the floor can be chosen, so only theirs is tested:
            # the test reads each passage's text, and half of the candidates fall short.
            candidates = [
                replace(c, states_asked=True)
                if c.clears(self.min_relevance) and states_asked(c.passage.text)
                else c
                for c in candidates
            ]
        # `choose` is greedy, so the shortlist's first k are what would be quoted without
        # re-reading, and "More" (a larger k) re-reads the same passages in the same order.
        latest = asks_for_latest(q)
        pool = max(k, self.reread, LATEST_POOL if latest else 0)
        # Passages from stories that do not name what the question names are left out
        # (below), and as many more are shortlisted to stand in for them.
        names = named_words(q)
        shortlist = choose(candidates, 2 * pool if names and not latest else pool, self.min_relevance)
        articles = self.store.articles_by_id(sorted({c.passage.article_id for c in shortlist}))
        shortlist = [c for c in shortlist if c.passage.article_id in articles]  # one removed meanwhile
        # A long question is answered when a passage of the shortlist clears its raised
        # floor; the others quoted beside it need only the configured one.
        if not any(c.clears(floor) for c in shortlist[:pool]):
            return Answer(q, [])
        if latest:
            # What is new is the question, not which paragraph states a detail: no re-reading.
            dated = {a: article.published or article.ingested[:10] for a, article in articles.items()}
            shortlist = newest_first(shortlist, dated)
        # A bare name ("who is X?") matches each mention of it, token by token, as well as
        # the next: the introduction answers, not the closest wording. No re-reading.
        elif not who and (close := close_call(shortlist, self.reread)) > 1:
            shortlist = self._reread(asked.tokens, shortlist, articles, close)
        texts: dict[int, str] = {}
        chosen = self._on_subject(names, shortlist, articles, texts, k) if names else shortlist[:k]
        if chosen and not (latest or who or money) and names_a_topic(q, terms):
            chosen = self._opening_first(terms, chosen, asked.vector, index, k)
        # Only the quoted articles are read, and each text once: for the coverage rule and
        # the quote check.
        for a in sorted({c.passage.article_id for c in chosen} - texts.keys()):
            texts[a] = self.store.article_text(a)
        specific = len(terms) >= SPECIFIC_QUESTION_TERMS
        if chosen and specific and not _covered(terms, chosen, texts):
            return Answer(q, [])
        # "How much do tickets cost?" is not answered by "tickets go on sale on Friday",
        # however close its meaning: a price question needs a passage that names a sum, in a
        # story about what is priced: "Portline share price?" is not answered by Harbourline
        # pricing its shares.
        if money and chosen:
            subject = [t for t in terms if t not in MONEY_WORDS]
            groups = _subject_words(q, subject)
            if not any(c.states_asked and _about(groups, texts[c.passage.article_id]) for c in chosen):
                # The story may well be the one asked about, only without the price: the
                # reader is told which, when it holds nearly all of the question's other words.
                story = chosen[0].passage.article_id
                about = coverage(subject, texts[story]) >= NEAREST_COVERAGE
                return Answer(q, [], nearest=source_of(articles[story]) if about else None)
        hits = [make_hit(q, c, articles[c.passage.article_id], c.dense) for c in chosen]
        found = self.store.copies_of(sorted({hit.article.id for hit in hits}))
        # Other stories that carry a quoted paragraph word for word vouch for it as copies of
        # the story do.
        echoes = self.store.articles_by_id(sorted({a for c in chosen for a in c.echoes}))
        hits = [
            with_copies(
                hit,
                [*found.get(hit.article.id, []), *_as_copies(c.echoes, echoes, but=hit.article.id)],
            )
            for hit, c in zip(hits, chosen, strict=True)
        ]
        return Answer(q, [hit for hit in hits if _quote_is_exact(hit, texts[hit.article.id])])

    def _opening_first(
        self, terms: list[str], chosen: list[Candidate], vector: np.ndarray, index: PassageIndex, k: int
    ) -> list[Candidate]:
        """The answer to a subject typed without a question ("Assange"): the best story's
        opening paragraph first, which tells what happened, when it clears the floor and
        holds as many of the words as the passage that ranked first (often a later
        paragraph that repeats the name most: "What charges does Assange face in the US?")."""
        first = chosen[0]
        opening = self.store.opening_passages([first.passage.article_id]).get(first.passage.article_id)
        if opening is None or opening.id == first.passage.id:
            return chosen
        if coverage(terms, opening.text) < coverage(terms, first.passage.text):
            return chosen
        lead = next((c for c in chosen if c.passage.id == opening.id), None)
        if lead is None:
            cosine = index.cosines(vector, [opening.id]).get(opening.id)
            if cosine is None:  # not indexed yet
                return chosen
            lead = Candidate(opening, cosine, 0.0, holds_words=covers(terms, opening.text))
        if not lead.clears(self.min_relevance):
            return chosen
        # Another story that carries the opening word for word is noted, not quoted again.
        rest = []
        wording = wording_of(opening.text)
        for c in chosen:
            if c.passage.id == opening.id:
                continue
            if wording_of(c.passage.text) == wording:
                lead = echoed(c, lead)
            else:
                rest.append(c)
        return [lead, *rest][:k]

    def _on_subject(
        self,
        names: list[str],
        shortlist: list[Candidate],
        articles: dict[int, Article],
        texts: dict[int, str],
        k: int,
    ) -> list[Candidate]:
        """The first k of the shortlist that come from the best passage's story or from
        others that name what the question names: a stabbing in another city is no answer
        to where Fritz von Weizsäcker was stabbed, however close its cosine. The article
        texts read to tell are kept in `texts`."""
        if not shortlist:
            return []
        best = shortlist[0].passage.article_id
        chosen: list[Candidate] = []
        for c in shortlist:
            if c.passage.article_id == best or self._names(names, c.passage, articles, texts):
                chosen.append(c)
                if len(chosen) == k:
                    break
        return chosen

    def _names(
        self, names: list[str], passage: Passage, articles: dict[int, Article], texts: dict[int, str]
    ) -> bool:
        """Whether the passage's article names any of `names`: the passage or its title
        often does, and then the article is not read (its text is kept in `texts` when it is)."""
        article = articles[passage.article_id]
        if on_subject(names, article.title, passage.text):
            return True
        if article.id not in texts:
            texts[article.id] = self.store.article_text(article.id)
        return on_subject(names, article.title, texts[article.id])

    def _name_search(self, terms: list[str], candidates: list[Candidate]) -> list[Candidate]:
        """The candidates of a short question, which names what it is about.

        Passages that hold none of its words (nor have them in their title, as the keyword
        search would) are about something else, however close their meaning: "Who is
        Anthony Lynn?" is close to any paragraph describing someone ("Queen Elizabeth II's
        third child"). And a paragraph often leaves its subject to the title or the
        paragraph before it ("Aaron Ramsey scored twice for Ryan Giggs' team" after "Wales
        beat Hungary 2-0"): a passage below the floor that holds some of the words, and all
        of them with its title and the passage before, holds them too (at a cosine of at
        least HELD_MIN_COSINE, as for specific questions)."""
        share = {c.passage.id: coverage(terms, c.passage.text) for c in candidates}
        kept = [c for c in candidates if c.keyword > 0 or share[c.passage.id] > 0]
        unsure = [
            c
            for c in kept
            if not c.holds_words
            and HELD_MIN_COSINE <= c.dense < self.min_relevance
            and share[c.passage.id] > 0
        ]
        if not unsure:
            return kept
        context = self.store.passage_context([c.passage.id for c in unsure])
        held = {
            c.passage.id
            for c in unsure
            if covers(terms, f"{context.get(c.passage.id, '')}\n{c.passage.text}")
        }
        return [replace(c, holds_words=True) if c.passage.id in held else c for c in kept]

    def _with_introductions(self, name: tuple[str, ...], candidates: list[Candidate]) -> list[Candidate]:
        """The candidates of a "who is X?" question, those that introduce the person marked as
        stating what is asked: each where its article first names them in full
        (`introductions`). Only the articles of the best candidates that name them are read:
        what the others introduce would not be quoted."""
        best_first = sorted(candidates, key=lambda c: c.relevance, reverse=True)
        named = dict.fromkeys(c.passage.article_id for c in best_first if mentions(name, c.passage.text))
        starts = {
            a: introduction(name, self.store.article_text(a)) for a in list(named)[:INTRODUCED_ARTICLES]
        }

        def introduces(c: Candidate) -> bool:
            at = starts.get(c.passage.article_id)
            return at is not None and c.passage.start <= at < c.passage.end

        return [replace(c, states_asked=True) if introduces(c) else c for c in candidates]

    def _newest_stories(self, q: str, k: int, index: PassageIndex) -> Answer:
        """The answer to a question for news that names no story ("What's the latest?"): the
        k newest stories, each by its opening passage (which news writes to say what
        happened)."""
        articles = {a.id: a for a in self.store.articles(limit=k)}
        openings = self.store.opening_passages(list(articles))
        cosine = index.cosines(self._asked(q).vector, [p.id for p in openings.values()])
        found = self.store.copies_of(list(articles))
        hits = []
        for article in articles.values():
            passage = openings.get(article.id)
            if passage is not None:
                similarity = cosine.get(passage.id, 0.0)
                hit = make_hit(q, Candidate(passage, similarity, 0.0, False), article, similarity)
                hits.append(with_copies(hit, found.get(article.id, [])))
        return Answer(q, hits)

    def _reread(
        self, asked: np.ndarray, shortlist: list[Candidate], articles: dict[int, Article], depth: int
    ) -> list[Candidate]:
        """The shortlist with its first `depth` passages reordered by how well their words
        match the question's tokens (`asked`)."""
        head, tail = shortlist[:depth], shortlist[depth:]

        def read(c: Candidate) -> np.ndarray:
            return self._passage_tokens(passage_input(articles[c.passage.article_id].title, c.passage.text))

        head = [replace(c, reread=reread_score(asked, read(c))) for c in head]
        # Re-read, relevance sums two cosines instead of one, and so does what a further
        # passage from an already quoted article costs.
        penalty = SAME_ARTICLE_PENALTY * (1 + REREAD_WEIGHT)
        return choose(head, len(head), floor=-1.0, same_article_penalty=penalty) + tail

    def _encode_passage_tokens(self, text: str) -> np.ndarray:
        tokens = self.encoder.encode_tokens([text])[0].astype(np.float16)
        tokens.flags.writeable = False
        return tokens

    def _read_questions(self, questions: Sequence[str]) -> list[Asked]:
        # One pass of the model gives both the vector and the tokens: a question that turns
        # out to need re-reading is not read again.
        vectors, tokens = self.encoder.encode_with_tokens(questions)
        asked = [Asked(vector, rows.astype(np.float16)) for vector, rows in zip(vectors, tokens, strict=True)]
        for a in asked:  # shared through the cache
            a.vector.flags.writeable = False
            a.tokens.flags.writeable = False
        return asked

    # -- reporting -------------------------------------------------------------------------

    def stats(self) -> ArchiveStats:
        s = self.store.stats()
        manifest = read_manifest_safely(self.data_dir)
        return ArchiveStats(
            articles=s.articles,
            passages=s.passages,
            model=self.model,
            indexed=manifest.count if manifest else None,
            index_bytes=index_file_size(self.data_dir),
            newest_published=s.newest_published,
            newest_ingested=s.newest_ingested,
        )

    def export(self) -> Iterator[dict[str, str | None]]:
        """Every article as a JSON-ready object that `newsbot ingest` reads back. A story's
        other sources follow it with the same text, which ingest records as copies again."""
        for article, text in self.store.iter_drafts():
            yield {
                "url": article.url,
                "title": article.title,
                "publisher": article.publisher,
                "author": article.author,
                "published": article.published,
                "language": article.language,
                "text": text,
            }
            for copy in self.store.copies_of([article.id]).get(article.id, []):
                yield {
                    "url": copy.url,
                    "title": copy.title,
                    "publisher": copy.publisher,
                    "published": copy.published,
                    "text": text,
                }


def _covered(terms: list[str], chosen: list[Candidate], texts: dict[int, str]) -> bool:
    """Whether some quoted article holds enough of a specific question's words."""
    # A passage is part of its article: when a quoted passage alone holds enough, so does
    # its article, and the whole texts need not be read (the costlier check).
    if max(coverage(terms, c.passage.text) for c in chosen) >= MIN_ARTICLE_COVERAGE:
        return True
    return (
        max(coverage(terms, texts[a]) for a in {c.passage.article_id for c in chosen}) >= MIN_ARTICLE_COVERAGE
    )


def _subject_words(question: str, subject: list[str]) -> tuple[list[str], list[str]]:
    """The words that say what a question is about, in two groups: those it capitalises
    (names are what tell two stories apart: a company, a place), and all of them."""
    names = sorted({w.lower() for w in re.findall(r"\b[A-Z]\w*", question)} & set(subject))
    return names, subject


def _about(groups: tuple[list[str], list[str]], text: str) -> bool:
    """Whether an article holds half of each group of a question's subject words (half of
    the names, as one story's "United States" is another's "US")."""
    return all(coverage(group, text) >= MIN_ARTICLE_COVERAGE for group in groups if group)


def _as_copies(ids: Sequence[int], articles: dict[int, Article], but: int) -> list[Copy]:
    return [
        Copy(a.id, a.url, a.title, a.publisher, a.published)
        for a in (articles[i] for i in dict.fromkeys(ids) if i in articles and i != but)
    ]


def _quote_is_exact(hit: Hit, article_text: str) -> bool:
    ok = hit.text in article_text and hit.highlight in hit.text
    if not ok:
        log.error(
            "Dropped passage %d: it is not an exact quote of article %d.", hit.passage_id, hit.article.id
        )
    return ok


def check_question(question: str) -> str:
    q = normalize_question(question)
    if not q:
        raise NewsbotError("The question is empty. Ask something like: Who asked for the call?")
    if not any(c.isalnum() for c in q):
        # "???" or an emoji would otherwise be searched for and be "not found", as if the
        # archive lacked something the reader had asked about.
        raise NewsbotError(
            "The question has no words to search for. Ask something like: Who asked for the call?"
        )
    if len(q) > MAX_QUESTION_CHARS:
        raise NewsbotError(
            f"The question is too long ({len(q):,} characters; the limit is {MAX_QUESTION_CHARS:,}). "
            "Ask about one thing at a time."
        )
    return q


def read_manifest_safely(data_dir: Path):  # type: ignore[no-untyped-def]
    try:
        return read_manifest(data_dir)
    except IndexProblem:
        return None
