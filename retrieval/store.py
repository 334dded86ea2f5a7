"""The SQLite store: the source of truth for articles, passages, keywords and embeddings.

Everything else (the FAISS file above all) can be rebuilt from this database. It runs in WAL
mode so the bot keeps reading while `newsbot ingest` writes from another process, and every
change bumps `revision`, which is how a long-running process notices another one's writes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval import copies
from retrieval.errors import NewsbotError
from retrieval.passages import Span
from retrieval.text import searchable

log = logging.getLogger(__name__)

STORE_FILE = "newsbot.db"
# An article's date for "newest first": when it was published, else when it was added. The
# index of migration 3 is on this very expression, which is what lets SQLite use it.
_NEWEST = "COALESCE(published, substr(ingested, 1, 10))"
PRUNE_FROM_PASSAGES = 20_000  # archives this large drop keywords found in over...
COMMON_TERM_SHARE = 0.01  # ...this share of passages (see Store._discriminating)...
COMMON_TERM_PASSAGES = 2_000  # ...or in over this many, whichever is fewer


@dataclass(frozen=True)
class Draft:
    """An article as read from a file or a web page, before it is stored."""

    text: str
    title: str
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date
    language: str | None = None


@dataclass(frozen=True)
class Article:
    id: int
    url: str | None
    title: str
    publisher: str | None
    author: str | None
    published: str | None
    ingested: str
    language: str | None
    content_hash: str


@dataclass(frozen=True)
class Passage:
    id: int
    article_id: int
    position: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Copy:
    """The same story under another address, often from another publisher."""

    article_id: int
    url: str | None
    title: str
    publisher: str | None
    published: str | None


@dataclass(frozen=True)
class Stats:
    articles: int
    passages: int
    newest_published: str | None
    newest_ingested: str | None
    models: dict[str, int]  # embedding model -> passages embedded with it


_ARTICLE_COLUMNS = "id, url, title, publisher, author, published, ingested, language, content_hash"


def _migration_1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('revision', '0');
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT UNIQUE,
            title TEXT NOT NULL,
            publisher TEXT,
            author TEXT,
            published TEXT,
            ingested TEXT NOT NULL,
            language TEXT,
            content_hash TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL
        );
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (article_id, position)
        );
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, passage_id)
        ) WITHOUT ROWID;
        CREATE INDEX embeddings_passage ON embeddings(passage_id);
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            title, body, tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
            INSERT INTO passages_fts (rowid, title, body)
            SELECT new.id, title, new.text FROM articles WHERE id = new.article_id;
        END;
        CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
            DELETE FROM passages_fts WHERE rowid = old.id;
        END;
        """,
    )


def _migration_2(db: sqlite3.Connection) -> None:
    """Copies of a story under other addresses, and the sketches that recognise them."""
    _run_script(
        db,
        """
        CREATE TABLE copies (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            url TEXT UNIQUE,
            title TEXT NOT NULL,
            publisher TEXT,
            published TEXT,
            added TEXT NOT NULL
        );
        CREATE INDEX copies_article ON copies(article_id);
        CREATE TABLE sketches (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            signature BLOB NOT NULL
        );
        CREATE TABLE sketch_bands (
            band_key INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE INDEX sketch_bands_key ON sketch_bands(band_key);
        CREATE INDEX sketch_bands_article ON sketch_bands(article_id);
        """,
    )
    for article_id, text in db.execute("SELECT id, text FROM articles").fetchall():
        _put_sketch(db, article_id, copies.sketch(text))


def _put_sketch(db: sqlite3.Connection, article_id: int, signature: np.ndarray) -> None:
    db.execute("INSERT INTO sketches VALUES (?, ?)", (article_id, signature.astype(np.uint64).tobytes()))
    db.executemany(
        "INSERT INTO sketch_bands VALUES (?, ?)", [(key, article_id) for key in copies.band_keys(signature)]
    )


def _insert_passages(
    db: sqlite3.Connection, article_id: int, text: str, spans: Sequence[Span], model: str, vectors: np.ndarray
) -> list[int]:
    passage_ids = []
    for position, span in enumerate(spans):
        cursor = db.execute(
            "INSERT INTO passages (article_id, position, start, end, text) VALUES (?, ?, ?, ?, ?)",
            (article_id, position, span.start, span.end, text[span.start : span.end]),
        )
        passage_ids.append(int(cursor.lastrowid or 0))
    # The keyword index reads what questions say in other forms than the passage does
    # (`text.searchable`: "Bevin" in "@MattBevin", "US" for "U.S."); what is quoted stays
    # the stored text.
    db.executemany(
        "INSERT INTO passages_fts (rowid, title, body) SELECT ?, title, ? FROM articles WHERE id = ?",
        [
            (pid, searchable(text[span.start : span.end]), article_id)
            for pid, span in zip(passage_ids, spans, strict=True)
        ],
    )
    db.executemany(
        "INSERT INTO embeddings (model, passage_id, vector) VALUES (?, ?, ?)",
        [
            (model, pid, np.ascontiguousarray(vector, dtype=np.float32).tobytes())
            for pid, vector in zip(passage_ids, vectors, strict=True)
        ],
    )
    return passage_ids


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it commits first, and a migration must stay inside its transaction.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


# Numbered schema migrations: index i brings the schema to version i + 1.
def _migration_3(db: sqlite3.Connection) -> None:
    """The newest articles found without reading them all: "what's new?" and /sources ask
    for the first few in this order, which took a scan of every article (and its text)."""
    db.execute(f"CREATE INDEX articles_newest ON articles({_NEWEST} DESC, id DESC)")


def _migration_4(db: sqlite3.Connection) -> None:
    """The keyword index reads `text.searchable` (handles' words, abbreviations without
    dots), which SQL cannot write: passages are indexed by `_insert_passages` instead of a
    trigger, and those stored before that hold such forms are indexed again."""
    db.execute("DROP TRIGGER IF EXISTS passages_fts_insert")
    rows = db.execute(
        "SELECT id, text FROM passages WHERE text LIKE '%@%' OR text LIKE '%#%' OR text GLOB '*[A-Za-z].[A-Za-z].*'"
    ).fetchall()
    db.executemany(
        "UPDATE passages_fts SET body = ? WHERE rowid = ?",
        [(body, pid) for pid, text in rows if (body := searchable(text)) != text],
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
]


def _check_store_file(path: Path) -> None:
    """Refuse a store file this newsbot cannot use, before anything writes to it: the
    articles in it are the only copy (the index is rebuilt from them), so a damaged file, or
    a database that some other program or a newer newsbot made, is left exactly as found."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    keep = "newsbot leaves it untouched, as it may hold the only copy of the articles"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return  # cannot be opened at all (permissions, locks): the data directory's message
    except sqlite3.DatabaseError as exc:
        raise NewsbotError(
            f"The store {path} is damaged or is not a database ({exc}); {keep}. "
            "Restore it from a backup, or move it aside to start an empty archive."
        ) from exc
    if version > len(MIGRATIONS):
        raise NewsbotError(
            f"The store {path} was written by a newer newsbot (schema {version}, this one knows up "
            f"to {len(MIGRATIONS)}); {keep}. Upgrade newsbot to use it."
        )
    if version == 0 and tables:
        raise NewsbotError(
            f"{path} is a database that newsbot did not make; {keep}. "
            "Set NEWSBOT_DATA_DIR to another directory, or move the file aside."
        )


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / STORE_FILE
        self._local = threading.local()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            _check_store_file(self.path)
            self._migrate()
        except (OSError, sqlite3.OperationalError) as exc:
            raise NewsbotError(
                f"Cannot use the data directory {data_dir}: {_reason(exc)}. "
                "Set NEWSBOT_DATA_DIR to a writable directory."
            ) from exc

    # -- connections and transactions -------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # One connection per thread: sqlite3 connections must not cross threads, and
            # the bot calls in from asyncio's worker threads.
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        # IMMEDIATE takes the write lock up front, so two writers queue instead of
        # deadlocking on a lock upgrade.
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _migrate(self) -> None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if 0 < version < len(MIGRATIONS):  # a large store takes a while: say why
                log.info("Upgrading the store %s from schema %d to %d.", self.path, version, len(MIGRATIONS))
            for number in range(version, len(MIGRATIONS)):
                MIGRATIONS[number](db)
                db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- reading --------------------------------------------------------------------------

    def revision(self) -> int:
        return int(self._db().execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def article(self, article_id: int) -> Article | None:
        row = (
            self._db()
            .execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
            .fetchone()
        )
        return Article(*row) if row else None

    def article_by_url(self, url: str) -> Article | None:
        row = self._db().execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE url = ?", (url,)).fetchone()
        return Article(*row) if row else None

    def article_by_hash(self, content_hash: str) -> Article | None:
        row = (
            self._db()
            .execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE content_hash = ?", (content_hash,))
            .fetchone()
        )
        return Article(*row) if row else None

    def article_text(self, article_id: int) -> str:
        row = self._db().execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row else ""

    def articles(self, limit: int | None = None) -> list[Article]:
        """Newest first, by publication date where known, then by ingestion."""
        rows = self._db().execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY {_NEWEST} DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [Article(*row) for row in rows]

    def iter_drafts(self) -> Iterator[tuple[Article, str]]:
        """Every article with its text, oldest first (the order `export` writes)."""
        rows = self._db().execute(f"SELECT {_ARTICLE_COLUMNS}, text FROM articles ORDER BY id")
        for row in rows:
            yield Article(*row[:-1]), row[-1]

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db().execute(
            f"SELECT id, article_id, position, start, end, text FROM passages WHERE id IN ({marks})",
            list(ids),
        )
        return {row[0]: Passage(*row) for row in rows}

    def articles_by_id(self, ids: Sequence[int]) -> dict[int, Article]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db().execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", list(ids))
        return {row[0]: Article(*row) for row in rows}

    def keyword_search(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """(passage id, BM25 score; higher is better) for passages matching any term."""
        terms = self._discriminating(terms)
        if not terms:
            return []
        query = " OR ".join(_phrase(term) for term in terms)
        rows = self._db().execute(
            # Title matches count for less than body matches: every passage of an article
            # shares its title, so the title alone cannot tell them apart.
            "SELECT rowid, -bm25(passages_fts, 0.3, 1.0) FROM passages_fts "
            "WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts, 0.3, 1.0) LIMIT ?",
            (query, limit),
        )
        return [(int(pid), float(score)) for pid, score in rows]

    def _discriminating(self, terms: Sequence[str]) -> list[str]:
        """The terms without those too common to tell passages apart, in a large archive.

        BM25 gives a word in most passages almost no weight, yet FTS5 still scores every
        passage holding it: at 100k passages such words made the keyword search the slowest
        step. Small archives keep every term (there, every word is "common"). Counting stops
        at the cap, so a very common word costs no more to recognise than a rarer one.
        """
        total = self.passage_count()
        if total < PRUNE_FROM_PASSAGES or len(terms) < 2:
            return list(terms)
        # FTS5 scores every passage a kept word is in, so the cost of a question grows with
        # the words' passage counts: the fixed cap keeps it flat in a huge archive, where a
        # word in 2,000 passages is a topic word the dense search covers anyway.
        cap = min(int(COMMON_TERM_SHARE * total), COMMON_TERM_PASSAGES)
        kept = [term for term in terms if self.passages_holding(term, cap + 1) <= cap]
        if kept:
            return kept
        # Never none: a question of only common words still searches by its rarest two.
        return sorted(terms, key=lambda term: self.passages_holding(term, total))[:2]

    def passages_holding(self, term: str, up_to: int) -> int:
        """How many passages hold the word (by the keyword index's stem), counting up to `up_to`."""
        return int(
            self._db()
            .execute(
                "SELECT count(*) FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)",
                (_phrase(term), up_to),
            )
            .fetchone()[0]
        )

    def near_duplicate(self, signature: np.ndarray, threshold: float) -> tuple[Article, float] | None:
        """The stored article most like the sketched text, if at least `threshold` alike."""
        keys = copies.band_keys(signature)
        marks = ",".join("?" * len(keys))
        rows = (
            self._db()
            .execute(
                f"SELECT s.article_id, s.signature FROM sketches s WHERE s.article_id IN "
                f"(SELECT DISTINCT article_id FROM sketch_bands WHERE band_key IN ({marks}))",
                keys,
            )
            .fetchall()
        )
        best: tuple[int, float] | None = None
        for article_id, blob in rows:
            alike = copies.similarity(signature, np.frombuffer(blob, dtype=np.uint64))
            if alike >= threshold and (best is None or alike > best[1]):
                best = (article_id, alike)
        if best is None:
            return None
        article = self.article(best[0])
        return (article, best[1]) if article else None

    def copy_by_url(self, url: str) -> Copy | None:
        row = (
            self._db()
            .execute("SELECT article_id, url, title, publisher, published FROM copies WHERE url = ?", (url,))
            .fetchone()
        )
        return Copy(*row) if row else None

    def copies_of(self, article_ids: Sequence[int]) -> dict[int, list[Copy]]:
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        found: dict[int, list[Copy]] = {}
        for row in self._db().execute(
            f"SELECT article_id, url, title, publisher, published FROM copies WHERE article_id IN ({marks}) ORDER BY id",
            list(article_ids),
        ):
            found.setdefault(row[0], []).append(Copy(*row))
        return found

    def passage_count(self) -> int:
        # count(*) walks the whole table (5 ms at a million passages) and keyword search
        # asks on every question, so the count is kept per store revision.
        revision = self.revision()
        cached: tuple[int, int] | None = getattr(self._local, "count", None)
        if cached is None or cached[0] != revision:
            cached = (revision, int(self._db().execute("SELECT count(*) FROM passages").fetchone()[0]))
            self._local.count = cached
        return cached[1]

    def iter_passages_for_embedding(self, batch: int = 256) -> Iterator[list[tuple[int, str, str]]]:
        """Batches of (passage id, article title, passage text), in id order."""
        last = 0
        while True:
            rows = (
                self._db()
                .execute(
                    "SELECT p.id, a.title, p.text FROM passages p JOIN articles a ON a.id = p.article_id "
                    "WHERE p.id > ? ORDER BY p.id LIMIT ?",
                    (last, batch),
                )
                .fetchall()
            )
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    def embedded_ids(self, model: str) -> np.ndarray:
        rows = self._db().execute(
            "SELECT passage_id FROM embeddings WHERE model = ? ORDER BY passage_id", (model,)
        )
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def embeddings(self, model: str, dim: int, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) stored for `model` among the sorted passage `ids`."""
        if len(ids) == 0:
            return np.empty(0, np.int64), np.empty((0, dim), np.float32)
        first, last = int(ids[0]), int(ids[-1])
        if last - first < 2 * len(ids):
            # Mostly contiguous (the usual case: new passages): a range scan beats IN (...).
            rows = (
                self._db()
                .execute(
                    "SELECT passage_id, vector FROM embeddings WHERE model = ? AND passage_id BETWEEN ? AND ?",
                    (model, first, last),
                )
                .fetchall()
            )
        else:
            marks = ",".join("?" * len(ids))
            rows = (
                self._db()
                .execute(
                    f"SELECT passage_id, vector FROM embeddings WHERE model = ? AND passage_id IN ({marks})",
                    [model, *ids.tolist()],
                )
                .fetchall()
            )
        found = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), dim)
        keep = np.isin(found, ids)
        return found[keep], vectors[keep]

    def stats(self) -> Stats:
        db = self._db()
        articles, newest_published, newest_ingested = db.execute(
            "SELECT count(*), max(published), max(ingested) FROM articles"
        ).fetchone()
        models = dict(db.execute("SELECT model, count(*) FROM embeddings GROUP BY model").fetchall())
        return Stats(articles, self.passage_count(), newest_published, newest_ingested, models)

    # -- writing --------------------------------------------------------------------------

    def add_article(
        self,
        draft: Draft,
        content_hash: str,
        spans: Sequence[Span],
        model: str,
        vectors: np.ndarray,
        replaces: int | None = None,
    ) -> tuple[Article, list[int]]:
        """Store an article with its passages and their embeddings in one transaction, in
        place of article `replaces` if given (an updated story: the old one goes only if
        the new one is stored).

        Raises sqlite3.IntegrityError when another writer stored the same URL or text first.
        """
        ingested = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._write() as db:
            kept_copies = []
            if replaces is not None:
                kept_copies = db.execute(
                    "SELECT url, title, publisher, published, added FROM copies WHERE article_id = ?",
                    (replaces,),
                ).fetchall()
                db.execute("DELETE FROM articles WHERE id = ?", (replaces,))
            cursor = db.execute(
                "INSERT INTO articles (url, title, publisher, author, published, ingested,"
                " language, content_hash, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.url,
                    draft.title,
                    draft.publisher,
                    draft.author,
                    draft.published,
                    ingested,
                    draft.language,
                    content_hash,
                    draft.text,
                ),
            )
            article_id = int(cursor.lastrowid or 0)
            _put_sketch(db, article_id, copies.sketch(draft.text))
            db.executemany(  # an updated story is still reported by the same outlets
                "INSERT INTO copies (article_id, url, title, publisher, published, added) VALUES (?, ?, ?, ?, ?, ?)",
                [(article_id, *row) for row in kept_copies],
            )
            passage_ids = _insert_passages(db, article_id, draft.text, spans, model, vectors)
        article = self.article(article_id)
        assert article is not None
        return article, passage_ids

    def article_ids(self) -> list[int]:
        return [row[0] for row in self._db().execute("SELECT id FROM articles ORDER BY id")]

    def passage_context(self, ids: Sequence[int]) -> dict[int, str]:
        """What a reader has in front of each listed passage: its article's title and the
        passage before it (none for an article's first)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db().execute(
            f"SELECT p.id, a.title, before.text FROM passages p JOIN articles a ON a.id = p.article_id "
            f"LEFT JOIN passages before ON before.article_id = p.article_id AND before.position = p.position - 1 "
            f"WHERE p.id IN ({marks})",
            list(ids),
        )
        return {pid: f"{title}\n{before or ''}" for pid, title, before in rows}

    def opening_passages(self, article_ids: Sequence[int]) -> dict[int, Passage]:
        """Each listed article's first passage, by article id."""
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        rows = self._db().execute(
            f"SELECT id, article_id, position, start, end, text FROM passages "
            f"WHERE article_id IN ({marks}) AND position = 0",
            list(article_ids),
        )
        return {row[1]: Passage(*row) for row in rows}

    def passage_spans(self, article_id: int) -> list[Span]:
        """Where an article's stored passages lie in its text, in order."""
        rows = self._db().execute(
            "SELECT start, end FROM passages WHERE article_id = ? ORDER BY position", (article_id,)
        )
        return [Span(start, end) for start, end in rows]

    def replace_passages(
        self, article_id: int, text: str, spans: Sequence[Span], model: str, vectors: np.ndarray
    ) -> list[int]:
        """Cut a stored article into new passages (with their embeddings), in one transaction;
        returns the new passage ids. `text` must be the article's stored text."""
        with self._write() as db:
            stored = db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
            if stored is None or stored[0] != text:
                raise NewsbotError(f"Article {article_id} was removed or changed meanwhile.")
            db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
            return _insert_passages(db, article_id, text, spans, model, vectors)

    def add_copy(self, copy: Copy) -> bool:
        """Record another address of a stored story; False if that address is known."""
        added = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO copies (article_id, url, title, publisher, published, added)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (copy.article_id, copy.url, copy.title, copy.publisher, copy.published, added),
            )
        return cursor.rowcount > 0

    def put_embeddings(self, model: str, ids: Sequence[int], vectors: np.ndarray) -> None:
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings (model, passage_id, vector) VALUES (?, ?, ?)",
                [
                    (model, int(pid), np.ascontiguousarray(vector, dtype=np.float32).tobytes())
                    for pid, vector in zip(ids, vectors, strict=True)
                ],
            )

    def remove_article(self, article_id: int) -> list[int]:
        """Delete an article with its passages and embeddings; returns the passage ids."""
        with self._write() as db:
            ids = [
                row[0] for row in db.execute("SELECT id FROM passages WHERE article_id = ?", (article_id,))
            ]
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


def _phrase(term: str) -> str:
    """A word as an FTS5 string, so that its letters are never read as query syntax."""
    return '"' + term.replace('"', '""') + '"'
