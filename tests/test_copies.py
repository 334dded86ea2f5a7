"""The same story from another outlet is one article with several sources, never two sets of
passages competing for the same answer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from retrieval import copies
from retrieval.archive import Archive
from retrieval.encoder import Encoder
from retrieval.sources import _draft
from retrieval.store import Store
from tests.pages import ARTICLE_TEXT

ORIGINAL = {
    "url": "https://gazette.example.com/news/bridge",
    "title": "Council votes to close Harbour Bridge to cars",
    "publisher": "Harbour Gazette",
    "published": "2024-11-19",
    "text": "\n\n".join(ARTICLE_TEXT),
}
# The wire version: a dateline, a different headline, the last paragraph cut.
WIRE = {
    "url": "https://wire.example.net/2024/11/19/bridge",
    "title": "Harbour city shuts ageing bridge to traffic",
    "publisher": "Wire Service",
    "published": "2024-11-19",
    "text": "PORT TOWN (Wire) — " + "\n\n".join(ARTICLE_TEXT[:3]),
}
# Another story about the same bridge: shares names and facts, not text.
FOLLOW_UP = {
    "url": "https://gazette.example.com/news/bridge-shops",
    "title": "North bank shops fear Harbour Bridge closure",
    "publisher": "Harbour Gazette",
    "published": "2024-11-21",
    "text": (
        "Shop owners on the north bank of the river say the Harbour Bridge closure voted by the city "
        "council on Tuesday could halve their takings over the winter.\n\n"
        "Anna Keller, the mayor, promised to study a free shuttle bus but gave no date for a decision, "
        "telling traders the steel deck left the council no choice."
    ),
}


@pytest.fixture
def archive(data_dir: Path, encoder: Encoder) -> Archive:
    archive = Archive(data_dir, encoder=encoder)
    assert archive.ingest(_draft("test", ORIGINAL)).added
    return archive


def test_wire_copy_is_recorded_as_another_source_not_indexed_again(archive: Archive) -> None:
    passages = archive.store.passage_count()
    result = archive.ingest(_draft("test", WIRE))
    assert not result.added
    assert result.duplicate == "nearly the same text"
    assert result.copy_recorded
    assert result.article.url == ORIGINAL["url"]
    assert archive.store.passage_count() == passages

    hits = archive.search("Why can heavy traffic no longer use the bridge?").hits
    assert hits[0].article.url == ORIGINAL["url"]
    assert hits[0].article.also_reported_by() == ["Wire Service"]
    assert len({hit.passage_id for hit in hits}) == len(hits)


def test_the_copys_address_is_known_afterwards(archive: Archive) -> None:
    archive.ingest(_draft("test", WIRE))
    again = archive.ingest(_draft("test", {**WIRE, "url": WIRE["url"] + "?utm_source=x"}))
    assert not again.added
    assert again.duplicate == "the same address, as a copy"
    assert not again.copy_recorded


def test_a_different_story_on_the_same_subject_is_its_own_article(archive: Archive) -> None:
    result = archive.ingest(_draft("test", FOLLOW_UP))
    assert result.added
    assert archive.store.stats().articles == 2


def test_identical_text_under_another_address_is_a_copy_too(archive: Archive) -> None:
    result = archive.ingest(
        _draft("test", {**ORIGINAL, "url": "https://mirror.example.org/bridge", "publisher": None})
    )
    assert result.duplicate == "the same text"
    assert result.copy_recorded
    hit = archive.search("Why can heavy traffic no longer use the bridge?").hits[0]
    assert hit.article.also_reported_by() == ["mirror.example.org"]


def test_copies_survive_export_and_ingest(archive: Archive, tmp_path: Path, encoder: Encoder) -> None:
    archive.ingest(_draft("test", WIRE))
    restored = Archive(tmp_path / "restored", encoder=encoder)
    results = restored.ingest_many([_draft("backup", item) for item in archive.export()])
    assert [r.added for r in results] == [True, False]
    assert restored.store.copies_of([1])[1][0].publisher == "Wire Service"


def test_refresh_keeps_the_stories_other_sources(archive: Archive) -> None:
    archive.ingest(_draft("test", WIRE))
    updated = archive.ingest(
        _draft(
            "test", {**ORIGINAL, "text": ORIGINAL["text"] + "\n\nUpdate: the council meets again on Friday."}
        ),
        refresh=True,
    )
    assert updated.replaced
    assert [c.publisher for c in archive.store.copies_of([updated.article.id])[updated.article.id]] == [
        "Wire Service"
    ]


def test_similarity_estimates() -> None:
    original = copies.sketch(ORIGINAL["text"])
    assert copies.similarity(original, copies.sketch(ORIGINAL["text"])) == 1.0
    assert copies.similarity(original, copies.sketch(WIRE["text"])) >= copies.NEAR_DUPLICATE
    assert copies.similarity(original, copies.sketch(FOLLOW_UP["text"])) < 0.2


def test_a_store_from_before_copies_existed_gets_sketches(data_dir: Path, encoder: Encoder) -> None:
    data_dir.mkdir(parents=True)
    # A version-1 store (as the first release wrote it) holding one article.
    db = sqlite3.connect(data_dir / "newsbot.db", isolation_level=None)
    db.execute("BEGIN")
    from retrieval.store import _migration_1

    _migration_1(db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO articles (url, title, ingested, content_hash, text) VALUES (?, ?, '2024-11-20T00:00:00Z', 'h', ?)",
        (ORIGINAL["url"], ORIGINAL["title"], ORIGINAL["text"]),
    )
    db.execute("COMMIT")
    db.close()
    store = Store(data_dir)
    match = store.near_duplicate(copies.sketch(WIRE["text"]), copies.NEAR_DUPLICATE)
    assert match is not None
    assert match[0].url == ORIGINAL["url"]
