"""The FAISS index of passage vectors, and its file on disk.

The index is a cache of the store: everything in it can be rebuilt from the embeddings kept
in SQLite. On disk it is two files: `newsbot-<checksum>.faiss` and a manifest naming that
file, its checksum, the model that made the vectors and the store revision it reflects.
The manifest is renamed into place last, so it is the commit point: a crash at any moment
leaves either the old index or the new one, never a mix. The HNSW graph of a large archive is
kept the same way (`newsbot-graph-<checksum>.hnsw` and its manifest), so that a restart
loads it in seconds instead of building it for minutes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

MANIFEST_FILE = "newsbot.faiss.manifest"
GRAPH_MANIFEST_FILE = "newsbot.graph.manifest"
LOCK_FILE = "newsbot.faiss.lock"


class IndexProblem(Exception):
    """The index file cannot be used as it is; the message says why (for the log)."""


class IndexMissing(IndexProblem):
    """There is no index file yet."""


@dataclass(frozen=True)
class Manifest:
    file: str
    vectors: str  # the encoder and recipe that made the vectors (encoder.vectors_key)
    dim: int
    count: int
    revision: int  # store revision the index reflects
    checksum: str  # sha256 of the index file


# Above this many vectors a long-running process also keeps an HNSW graph: flat search is
# linear in the vectors (measured 17 ms at 100k, 141 ms at 1M on 2 cores), HNSW nearly flat.
GRAPH_THRESHOLD = 50_000
GRAPH_M = 32
GRAPH_EF_CONSTRUCTION = 64
GRAPH_EF_SEARCH = 128
# Vectors added or removed since the graph was built are handled beside it (the added ones
# searched exactly, the removed ones filtered out); past this many, search goes flat until
# the next graph is built.
GRAPH_MAX_CHANGES = 20_000


@dataclass
class _Graph:
    index: faiss.IndexHNSWFlat
    ids: np.ndarray  # graph position -> passage id
    added: faiss.IndexIDMap2  # vectors added since the graph was built, searched exactly
    removed: set[int]  # passage ids removed since


class PassageIndex:
    """Passage vectors searchable by inner product (cosine, as vectors are unit length).

    The flat index is exact and always complete; above GRAPH_THRESHOLD vectors, `build_graph`
    (run in the background by long-running processes) adds an HNSW graph that answers
    searches approximately and much faster, the flat index staying the truth beside it.
    """

    def __init__(self, vectors: str, dim: int) -> None:
        self.vectors = vectors
        self.dim = dim
        self.revision = -1
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        # FAISS may be searched from several threads at once, but not while it changes.
        self._lock = threading.RLock()
        self._graph: _Graph | None = None
        self._building: _Graph | None = None  # changes made while a graph is being built

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        with self._lock:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        with self._lock:
            self._index.add_with_ids(vectors, ids)
            for graph in (self._graph, self._building):
                if graph is not None:
                    graph.added.add_with_ids(vectors, ids)
                    graph.removed.difference_update(ids.tolist())

    def remove(self, ids: np.ndarray) -> None:
        if len(ids) == 0:
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        with self._lock:
            self._index.remove_ids(ids)  # type: ignore[arg-type]
            for graph in (self._graph, self._building):
                if graph is not None:
                    graph.added.remove_ids(ids)  # type: ignore[arg-type]
                    graph.removed.update(ids.tolist())

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest passages to one query vector: (passage id, cosine), best first."""
        query = query.reshape(1, -1).astype(np.float32)
        with self._lock:
            if self._index.ntotal == 0:
                return []
            graph = self._graph
            if graph is None or graph.added.ntotal + len(graph.removed) > GRAPH_MAX_CHANGES:
                scores, ids = self._index.search(query, k)
                return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
            scores, positions = graph.index.search(query, k + len(graph.removed))
            found = [
                (int(graph.ids[p]), float(s))
                for p, s in zip(positions[0], scores[0], strict=True)
                if p >= 0 and int(graph.ids[p]) not in graph.removed
            ]
            if graph.added.ntotal:
                scores, ids = graph.added.search(query, k)
                found += [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return sorted(found, key=lambda hit: hit[1], reverse=True)[:k]

    def exact_search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Search the flat index whatever graph exists (to measure the graph's recall)."""
        with self._lock:
            scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    @property
    def has_graph(self) -> bool:
        return self._graph is not None

    def needs_graph(self) -> bool:
        graph = self._graph
        if len(self) < GRAPH_THRESHOLD or self._building is not None:
            return False
        return graph is None or graph.added.ntotal + len(graph.removed) > GRAPH_MAX_CHANGES // 2

    def build_graph(self) -> None:
        """Build an HNSW graph of the current vectors and start searching it. Slow (minutes
        at a million vectors): run it in a worker thread; searches stay exact meanwhile."""
        with self._lock:
            if self._building is not None:
                return
            n = int(self._index.ntotal)
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            vectors = self._index.index.reconstruct_n(0, n)
            building = _Graph(faiss.IndexHNSWFlat(self.dim, GRAPH_M, faiss.METRIC_INNER_PRODUCT), ids,
                              faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim)), set())  # fmt: skip
            self._building = building
        try:
            building.index.hnsw.efConstruction = GRAPH_EF_CONSTRUCTION
            building.index.add(vectors)
            building.index.hnsw.efSearch = GRAPH_EF_SEARCH
        except BaseException:
            with self._lock:
                self._building = None
            raise
        with self._lock:
            self._graph, self._building = building, None

    def cosines(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Cosine of the query with each listed passage that is in the index."""
        with self._lock:
            try:  # one call for all: a search asks for dozens
                vectors = self._index.reconstruct_batch(np.array(ids, dtype=np.int64))
            except RuntimeError:  # one of them is not in the index (yet): one at a time
                found: dict[int, float] = {}
                for pid in ids:
                    try:
                        found[pid] = float(self._index.reconstruct(pid) @ query)
                    except RuntimeError:
                        continue
                return found
        return {pid: float(vector @ query) for pid, vector in zip(ids, vectors, strict=True)}

    # -- on disk -------------------------------------------------------------------------

    def save_graph(self, data_dir: Path) -> None:
        """Save the current graph (the vectors it was built from; later changes are worked
        out again on load)."""
        graph = self._graph
        if graph is None:
            return
        # A built graph never changes (additions go beside it), so no lock is needed here.
        blob = faiss.serialize_index(graph.index).tobytes() + graph.ids.astype("<i8").tobytes()
        _commit(data_dir, blob, ("newsbot-graph-", ".hnsw"), GRAPH_MANIFEST_FILE,
                self.vectors, self.dim, len(graph.ids), self.revision)  # fmt: skip

    def load_graph(self, data_dir: Path) -> bool:
        """Search through the saved graph, if there is one made from these vectors and not
        too far behind them: True if so. IndexProblem if it is damaged."""
        manifest = read_manifest(data_dir, GRAPH_MANIFEST_FILE)
        if manifest is None or manifest.vectors != self.vectors or manifest.dim != self.dim:
            return False
        blob = _read_checked(data_dir, manifest)
        split = len(blob) - 8 * manifest.count
        if split < 0:
            raise IndexProblem(f"{manifest.file} does not match its manifest")
        try:
            graph = faiss.deserialize_index(np.frombuffer(blob[:split], dtype=np.uint8))
        except RuntimeError as exc:
            raise IndexProblem(f"{manifest.file} cannot be read by FAISS") from exc
        if (
            not isinstance(graph, faiss.IndexHNSWFlat)
            or graph.ntotal != manifest.count
            or graph.d != self.dim
        ):
            raise IndexProblem(f"{manifest.file} does not match its manifest")
        graph.hnsw.efSearch = GRAPH_EF_SEARCH
        ids = np.frombuffer(blob[split:], dtype="<i8").astype(np.int64)
        with self._lock:
            current = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            added = np.setdiff1d(current, ids)
            removed = np.setdiff1d(ids, current)
            if len(added) + len(removed) > GRAPH_MAX_CHANGES // 2:
                return False  # as stale as a graph that needs rebuilding anyway
            extra = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            if len(added):
                extra.add_with_ids(np.vstack([self._index.reconstruct(int(i)) for i in added]), added)
            self._graph = _Graph(graph, ids, extra, set(removed.tolist()))
        return True

    def save(self, data_dir: Path) -> Manifest:
        with self._lock:
            blob = faiss.serialize_index(self._index).tobytes()
            count, revision = len(self), self.revision
        return _commit(
            data_dir, blob, ("newsbot-", ".faiss"), MANIFEST_FILE, self.vectors, self.dim, count, revision
        )

    @classmethod
    def load(cls, data_dir: Path, vectors: str | None = None, dim: int | None = None) -> PassageIndex:
        """The saved index, if it is whole and made by `vectors` (any, if None) with `dim`
        dimensions; IndexProblem otherwise."""
        manifest = read_manifest(data_dir)
        if manifest is None:
            raise IndexMissing("no index file yet")
        vectors = manifest.vectors if vectors is None else vectors
        dim = manifest.dim if dim is None else dim
        if manifest.vectors != vectors:
            raise IndexProblem(f"the index was built by {manifest.vectors}, not {vectors}")
        if manifest.dim != dim:
            raise IndexProblem(f"the index has {manifest.dim}-dimensional vectors, not {dim}")
        blob = _read_checked(data_dir, manifest)
        try:
            inner = faiss.deserialize_index(np.frombuffer(blob, dtype=np.uint8))
        except RuntimeError as exc:
            raise IndexProblem(f"{manifest.file} cannot be read by FAISS") from exc
        if not isinstance(inner, faiss.IndexIDMap2) or inner.ntotal != manifest.count or inner.d != dim:
            raise IndexProblem(f"{manifest.file} does not match its manifest")
        index = cls(vectors, dim)
        index._index = inner
        index.revision = manifest.revision
        return index


def read_manifest(data_dir: Path, file: str = MANIFEST_FILE) -> Manifest | None:
    try:
        raw = json.loads((data_dir / file).read_text())
        return Manifest(**raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise IndexProblem(f"the index manifest is unreadable ({exc.__class__.__name__})") from exc


def index_file_size(data_dir: Path) -> int:
    try:
        manifest = read_manifest(data_dir)
        return (data_dir / manifest.file).stat().st_size if manifest else 0
    except (IndexProblem, OSError):
        return 0


def _commit(
    data_dir: Path, blob: bytes, name: tuple[str, str], manifest_file: str,
    vectors: str, dim: int, count: int, revision: int,
) -> Manifest:  # fmt: skip
    """Write `blob` as `<prefix><checksum><suffix>`, then its manifest (the commit point),
    then drop the files it replaces."""
    checksum = hashlib.sha256(blob).hexdigest()
    prefix, suffix = name
    file = f"{prefix}{checksum[:16]}{suffix}"
    manifest = Manifest(file, vectors, dim, count, revision, checksum)
    with _locked(data_dir):
        _write_atomic(data_dir / file, blob)
        _write_atomic(data_dir / manifest_file, json.dumps(asdict(manifest), indent=1).encode())
        _fsync_dir(data_dir)
        for stale in data_dir.glob(f"{prefix}*{suffix}"):
            if stale.name != file:
                stale.unlink(missing_ok=True)
    return manifest


def _read_checked(data_dir: Path, manifest: Manifest) -> bytes:
    try:
        blob = (data_dir / Path(manifest.file).name).read_bytes()
    except OSError as exc:
        raise IndexProblem(f"cannot read {manifest.file}: {exc.strerror}") from exc
    if hashlib.sha256(blob).hexdigest() != manifest.checksum:
        raise IndexProblem(f"{manifest.file} is damaged (checksum mismatch)")
    return blob


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    # Two processes (the bot and `newsbot ingest`) may save at once; take turns.
    with open(data_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
