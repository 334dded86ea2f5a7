"""The HNSW graph large archives search through: nearly exact, and never stale."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pytest

from retrieval import index as index_module
from retrieval.archive import Archive
from retrieval.encoder import Encoder
from retrieval.index import PassageIndex
from retrieval.sources import _draft, load_file
from tests.samples import HARBOUR_JSONL, SAMPLE

DIM = 32


def clustered(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, DIM))
    vectors = centres[rng.integers(0, 20, n)] + rng.normal(scale=0.3, size=(n, DIM))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def graph_index() -> PassageIndex:
    index = PassageIndex("test", DIM)
    index.add(np.arange(1, 3001, dtype=np.int64), clustered(3000, 1))
    index.build_graph()
    assert index.has_graph
    return index


def test_graph_finds_nearly_what_exact_search_finds(graph_index: PassageIndex) -> None:
    queries = clustered(50, 2)
    recall = np.mean(
        [
            len({i for i, _ in graph_index.search(q, 10)} & {i for i, _ in graph_index.exact_search(q, 10)})
            / 10
            for q in queries
        ]
    )
    assert recall >= 0.95


def test_vectors_added_after_the_graph_are_found(graph_index: PassageIndex) -> None:
    fresh = clustered(5, 3)
    graph_index.add(np.arange(5001, 5006, dtype=np.int64), fresh)
    for n, vector in enumerate(fresh):
        assert graph_index.search(vector, 3)[0][0] == 5001 + n


def test_removed_vectors_are_never_returned(graph_index: PassageIndex) -> None:
    query = clustered(1, 4)[0]
    top = [i for i, _ in graph_index.search(query, 10)]
    graph_index.remove(np.array(top[:5], dtype=np.int64))
    after = [i for i, _ in graph_index.search(query, 10)]
    assert not set(top[:5]) & set(after)
    assert len(after) == 10
    assert after[:5] == top[5:]


def test_a_long_running_archive_builds_its_graph_in_the_background(
    data_dir: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "GRAPH_THRESHOLD", 5)
    archive = Archive(data_dir, encoder=encoder, graph=True)
    archive.ingest(load_file(SAMPLE)[0].draft)
    assert archive.search("Which missile was discussed?").answered
    wait_for_graph(archive)
    assert "Oreshnik" in archive.search("Which missile did the generals talk about?").hits[0].text
    # A one-shot command never pays for a graph.
    assert not Archive(data_dir, encoder=encoder)._ready_index().has_graph


def wait_for_graph(archive: Archive) -> PassageIndex:
    index = archive._ready_index()
    deadline = time.monotonic() + 30
    while not (index.has_graph and not archive._graph_job.locked()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert index.has_graph
    return index


def test_a_restart_loads_the_saved_graph_and_finds_what_came_since(
    data_dir: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(index_module, "GRAPH_THRESHOLD", 5)
    caplog.set_level(logging.INFO, logger="retrieval.archive")
    first = Archive(data_dir, encoder=encoder, graph=True)
    first.ingest(load_file(SAMPLE)[0].draft)
    wait_for_graph(first)
    assert len(list(data_dir.glob("newsbot-graph-*.hnsw"))) == 1
    # Another process (`newsbot ingest`) adds an article the saved graph has never seen.
    Archive(data_dir, encoder=encoder).ingest(_draft("harbour", HARBOUR_JSONL))
    caplog.clear()

    restarted = Archive(data_dir, encoder=encoder, graph=True)
    wait_for_graph(restarted)

    assert "HNSW graph loaded" in caplog.text
    assert "HNSW graph of" not in caplog.text  # not built again
    assert "Oreshnik" in restarted.search("Which missile did the generals talk about?").hits[0].text
    assert (
        "reopen the main channel"
        in restarted.search("When will the harbour's main channel reopen?").hits[0].text
    )


def test_a_damaged_saved_graph_is_built_again(
    data_dir: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(index_module, "GRAPH_THRESHOLD", 5)
    first = Archive(data_dir, encoder=encoder, graph=True)
    first.ingest(load_file(SAMPLE)[0].draft)
    wait_for_graph(first)
    [saved] = data_dir.glob("newsbot-graph-*.hnsw")
    saved.write_bytes(b"garbage" * 100)

    restarted = Archive(data_dir, encoder=encoder, graph=True)
    wait_for_graph(restarted)

    assert "the saved one cannot be used" in caplog.text
    assert "Oreshnik" in restarted.search("Which missile did the generals talk about?").hits[0].text
    [resaved] = data_dir.glob("newsbot-graph-*.hnsw")
    assert resaved.read_bytes() != b"garbage" * 100
