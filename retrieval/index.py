"""The FAISS index of passage vectors, and its file on disk.

The index is a cache of the store: everything in it can be rebuilt from the embeddings kept
in SQLite. On disk it is two files: `newsbot-<checksum>.faiss` and a manifest naming that
file, its checksum, the model that made the vectors and the store revision it reflects.
The manifest is renamed into place last, so it is the commit point: a crash at any moment
leaves either the old index or the new one, never a mix.
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


class PassageIndex:
    """Passage vectors searchable by inner product (cosine, as vectors are unit length)."""

    def __init__(self, vectors: str, dim: int) -> None:
        self.vectors = vectors
        self.dim = dim
        self.revision = -1
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        # FAISS may be searched from several threads at once, but not while it changes.
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        with self._lock:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        with self._lock:
            self._index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32),
                np.ascontiguousarray(ids, dtype=np.int64),
            )

    def remove(self, ids: np.ndarray) -> None:
        if len(ids) == 0:
            return
        with self._lock:
            self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))  # type: ignore[arg-type]

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest passages to one query vector: (passage id, cosine), best first."""
        with self._lock:
            if self._index.ntotal == 0:
                return []
            scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def cosines(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Cosine of the query with each listed passage that is in the index."""
        found: dict[int, float] = {}
        with self._lock:
            for pid in ids:
                try:
                    found[pid] = float(self._index.reconstruct(pid) @ query)
                except RuntimeError:  # not in the index (yet)
                    continue
        return found

    # -- on disk -------------------------------------------------------------------------

    def save(self, data_dir: Path) -> Manifest:
        with self._lock:
            blob = faiss.serialize_index(self._index).tobytes()
            count, revision = len(self), self.revision
        checksum = hashlib.sha256(blob).hexdigest()
        name = f"newsbot-{checksum[:16]}.faiss"
        manifest = Manifest(name, self.vectors, self.dim, count, revision, checksum)
        with _locked(data_dir):
            _write_atomic(data_dir / name, blob)
            _write_atomic(data_dir / MANIFEST_FILE, json.dumps(asdict(manifest), indent=1).encode())
            _fsync_dir(data_dir)
            for stale in data_dir.glob("newsbot-*.faiss"):
                if stale.name != name:
                    stale.unlink(missing_ok=True)
        return manifest

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
        try:
            blob = (data_dir / Path(manifest.file).name).read_bytes()
        except OSError as exc:
            raise IndexProblem(f"cannot read {manifest.file}: {exc.strerror}") from exc
        if hashlib.sha256(blob).hexdigest() != manifest.checksum:
            raise IndexProblem(f"{manifest.file} is damaged (checksum mismatch)")
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


def read_manifest(data_dir: Path) -> Manifest | None:
    try:
        raw = json.loads((data_dir / MANIFEST_FILE).read_text())
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
