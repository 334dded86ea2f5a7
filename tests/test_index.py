"""The FAISS file is a cache of the store: whatever happens to it, no article is lost and
answers come back, with a log line saying what was repaired."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from retrieval.archive import Archive
from retrieval.encoder import Encoder, vectors_key
from retrieval.index import MANIFEST_FILE, PassageIndex, read_manifest
from retrieval.sources import _draft, load_file
from tests.samples import HARBOUR_JSONL, SAMPLE

QUESTION = "Which missile did the generals talk about?"


@pytest.fixture
def saved(data_dir: Path, encoder: Encoder) -> Path:
    """A data directory holding the sample article and its saved index."""
    Archive(data_dir, encoder=encoder).ingest(load_file(SAMPLE)[0].draft)
    return data_dir


def index_file(data_dir: Path) -> Path:
    manifest = read_manifest(data_dir)
    assert manifest is not None
    return data_dir / manifest.file


def reopened(data_dir: Path, encoder: Encoder) -> Archive:
    archive = Archive(data_dir, encoder=encoder)
    assert "Oreshnik" in archive.search(QUESTION).hits[0].text
    return archive


def assert_whole_again(data_dir: Path, encoder: Encoder) -> None:
    index = PassageIndex.load(data_dir, vectors_key(encoder), encoder.dim)
    assert len(index) == 12
    assert index.revision == Archive(data_dir, encoder=encoder).store.revision()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda f: f.write_bytes(b"\x00garbage" * 100), id="garbage"),
        pytest.param(lambda f: f.write_bytes(f.read_bytes()[: f.stat().st_size // 2]), id="truncated"),
        pytest.param(lambda f: f.unlink(), id="deleted"),
    ],
)
def test_damaged_index_file_is_rebuilt_from_the_store(
    saved: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture, damage
) -> None:
    damage(index_file(saved))
    with caplog.at_level(logging.WARNING, logger="retrieval.archive"):
        reopened(saved, encoder)
    assert "Rebuilding the search index from the store" in caplog.text
    assert_whole_again(saved, encoder)


def test_missing_manifest_rebuilds_quietly(saved: Path, encoder: Encoder) -> None:
    (saved / MANIFEST_FILE).unlink()
    reopened(saved, encoder)
    assert_whole_again(saved, encoder)


def test_unreadable_manifest_is_rebuilt(
    saved: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    (saved / MANIFEST_FILE).write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="retrieval.archive"):
        reopened(saved, encoder)
    assert "manifest is unreadable" in caplog.text
    assert_whole_again(saved, encoder)


def test_index_from_another_model_is_rebuilt(
    saved: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["vectors"] = "some-other-model|title+passage/1"
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger="retrieval.archive"):
        reopened(saved, encoder)
    assert "built by some-other-model" in caplog.text
    assert_whole_again(saved, encoder)


def test_index_behind_the_store_is_repaired(
    saved: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    old_manifest = (saved / MANIFEST_FILE).read_bytes()
    old_file = index_file(saved)
    old_blob = old_file.read_bytes()
    Archive(saved, encoder=encoder).ingest(_draft("test", HARBOUR_JSONL))
    # Put the older index back, as if the process died before saving the new one.
    old_file.write_bytes(old_blob)
    (saved / MANIFEST_FILE).write_bytes(old_manifest)
    with caplog.at_level(logging.WARNING, logger="retrieval.archive"):
        archive = reopened(saved, encoder)
    assert "out of step with the store" in caplog.text
    assert "nine metres" in archive.search("How high were the waves at the harbour?").hits[0].text


def test_articles_added_by_another_process_are_answerable_without_restart(
    saved: Path, encoder: Encoder
) -> None:
    bot = reopened(saved, encoder)
    assert not bot.search("How high were the waves at the harbour?").answered
    # `newsbot ingest` in another process: its own connection, its own index object.
    Archive(saved, encoder=encoder).ingest(_draft("test", HARBOUR_JSONL))
    assert "nine metres" in bot.search("How high were the waves at the harbour?").hits[0].text


def test_removed_articles_stop_being_quoted_by_a_running_archive(saved: Path, encoder: Encoder) -> None:
    bot = reopened(saved, encoder)
    Archive(saved, encoder=encoder).remove("1")
    assert not bot.search(QUESTION).answered


def test_rebuild_that_crashes_midway_leaves_the_old_index_answering(saved: Path, encoder: Encoder) -> None:
    before = (saved / MANIFEST_FILE).read_bytes()

    def crash(_: int) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        Archive(saved, encoder=encoder).rebuild(progress=crash)
    assert (saved / MANIFEST_FILE).read_bytes() == before
    reopened(saved, encoder)


def test_rebuild_swaps_in_a_fresh_index_while_the_old_one_keeps_answering(
    saved: Path, encoder: Encoder
) -> None:
    archive = reopened(saved, encoder)
    answers_during = []
    archive.rebuild(progress=lambda _: answers_during.append(archive.search(QUESTION).answered))
    assert answers_during
    assert all(answers_during)
    assert_whole_again(saved, encoder)


def test_stored_vectors_match_the_index(saved: Path, encoder: Encoder) -> None:
    archive = Archive(saved, encoder=encoder)
    key = vectors_key(encoder)
    ids = archive.store.embedded_ids(key)
    found, vectors = archive.store.embeddings(key, encoder.dim, ids)
    index = PassageIndex.load(saved, key, encoder.dim)
    assert np.array_equal(np.sort(index.ids()), found)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_large_archives_search_keywords_by_their_discriminating_words(
    data_dir: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval import store as store_module

    archive = Archive(data_dir, encoder=encoder)
    archive.ingest(load_file(SAMPLE)[0].draft)
    archive.ingest(_draft("test", HARBOUR_JSONL))
    monkeypatch.setattr(store_module, "PRUNE_FROM_PASSAGES", 1)
    monkeypatch.setattr(store_module, "COMMON_TERM_SHARE", 0.2)
    # "russia" is in most of the sample's passages; "oreshnik" in one. Stemmed as the index
    # stems ("missiles" -> "missil"), so plural and singular count together.
    assert archive.store._discriminating(["russia", "oreshnik", "missiles"]) == ["oreshnik", "missiles"]
    # Only common words: the rarest two still search.
    rarest = archive.store._discriminating(["the", "russia", "of"])
    assert sorted(rarest) == ["of", "russia"]
    hits = archive.store.keyword_search(["russia", "oreshnik"], 5)
    assert len(hits) == 1
    assert "Oreshnik" in archive.store.passages([hits[0][0]])[hits[0][0]].text


def test_cosines_skip_passages_the_index_does_not_hold() -> None:
    # A keyword hit from a passage another process stored after this index was read: the
    # others still get their cosine.
    index = PassageIndex("test", 4)
    vectors = np.eye(4, dtype=np.float32)
    index.add(np.array([10, 11, 12]), vectors[:3])
    query = np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32)
    assert index.cosines(query, [10, 11]) == pytest.approx({10: 0.6, 11: 0.8})
    assert index.cosines(query, [10, 99, 12]) == pytest.approx({10: 0.6, 12: 0.0})
