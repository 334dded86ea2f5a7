"""The embedding model run by ONNX Runtime instead of PyTorch.

Same weights, same vectors (checked against sentence-transformers when exported), but a
question embeds in about 4 ms instead of 14, and a process that only answers questions
starts in a second instead of seven: importing torch, transformers and sentence-transformers
is most of a cold start. PyTorch is needed once, to export the model into the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Encoding

log = logging.getLogger(__name__)

# Bumped whenever the export below changes, so that caches made the old way are redone.
EXPORT_RECIPE = "onnx-export/1"
# Exported vectors must agree with sentence-transformers at least this well on every probe,
# or the export is thrown away and the model runs on PyTorch.
AGREEMENT = 0.9999
PROBES = (
    "Who won the election?",
    "The central bank raised its key rate by half a point on Friday, citing inflation.",
    "Президент подписал закон в пятницу. 🇺🇦 « Quoted » — naïve café, 東京",
    " ".join(["The ministry said the talks would resume next week in Geneva."] * 40),  # truncated
)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsbot"


@dataclass(frozen=True)
class Export:
    """A model exported to ONNX, as found in the cache."""

    folder: Path
    pooling: str  # "mean" or "cls"
    dim: int


class OnnxEncoder:
    def __init__(self, name: str, export: Export, largest_batch: int = 8) -> None:
        """`largest_batch`: small batches run fastest on a CPU (bench/runtimes.py) and let a
        question slip in between the batches of an ingest."""
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        self.export = export
        self.dim = export.dim
        self._largest_batch = largest_batch
        self._pooling = export.pooling
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # ORT warns about harmless graph details at load
        # Idle runtime threads would otherwise spin on both cores between runs, starving
        # the SQLite keyword search that runs beside each question's embedding.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(export.folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        # The tokenizer's own settings (truncation length, no padding) were fixed at export;
        # nothing here changes them, so threads may share it.
        self._tokenizer = Tokenizer.from_file(str(export.folder / "tokenizer.json"))
        self._words = whole_words(self._tokenizer.get_vocab())

    def knows_word(self, word: str) -> bool:
        return word.lower() in self._words

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        # Batching texts of like length wastes little on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        step = min(batch_size, self._largest_batch)
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            out[rows] = self._run([encodings[i] for i in rows])
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        return self.encode_with_tokens(texts)[1]

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        tokens: list[np.ndarray] = [np.empty((0, self.dim), dtype=np.float32)] * len(texts)
        if not texts:
            return vectors, tokens
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self._largest_batch):
            rows = order[start : start + self._largest_batch]
            hidden, mask = self._hidden([encodings[i] for i in rows])
            vectors[rows] = self._pool(hidden, mask)
            for row, i in enumerate(rows):
                tokens[i] = unit_rows(hidden[row, : int(mask[row].sum())])
        return vectors, tokens

    def _run(self, encodings: Sequence[Encoding]) -> np.ndarray:
        return self._pool(*self._hidden(encodings))

    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self._pooling == "cls":
            vectors = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return unit_rows(vectors)

    def _hidden(self, encodings: Sequence[Encoding]) -> tuple[np.ndarray, np.ndarray]:
        """The last hidden state of a padded batch, and its attention mask."""
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            types[row, : len(e.ids)] = e.type_ids
            mask[row, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return hidden, mask


def export_key(model_dir: Path) -> str:
    """Names an export by what it was made from: the model's files (by name, size and
    modification time, which is cheap enough to check at every start), the runtime and
    the recipe."""
    import onnxruntime

    parts = [EXPORT_RECIPE, onnxruntime.__version__, str(model_dir.resolve())]
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        parts.append(f"{path.relative_to(model_dir)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def cached_export(model_dir: Path, cache_dir: Path) -> Export | None:
    folder = cache_dir / export_key(model_dir)
    try:
        meta = json.loads((folder / "export.json").read_text())
        if not (folder / "model.onnx").is_file() or not (folder / "tokenizer.json").is_file():
            return None
        return Export(folder, str(meta["pooling"]), int(meta["dim"]))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Ignoring the unreadable model export in %s (%s); exporting again.", folder, exc)
        return None


def export_model(model_dir: Path, cache_dir: Path) -> Export | None:
    """Export a sentence-transformers model (Transformer, then mean or CLS pooling, then
    optionally Normalize) to ONNX in `cache_dir`, or None when the model has another shape
    or its export does not reproduce its vectors."""
    import torch

    from retrieval.encoder import load_sentence_transformer

    model = load_sentence_transformer(str(model_dir))
    kinds = [type(module).__name__ for module in model]
    pooling = getattr(model[1], "pooling_mode", None) if len(model) > 1 else None
    backend = getattr(model.tokenizer, "backend_tokenizer", None)
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        log.info("%s has modules %s; it runs on PyTorch", model_dir, kinds)
        return None
    if pooling not in ("mean", "cls") or backend is None:
        log.info("%s pools by %s or has no fast tokenizer; it runs on PyTorch", model_dir, pooling)
        return None

    key = export_key(model_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache_dir))
    try:
        tokenizer = backend.__class__.from_str(backend.to_str())
        tokenizer.no_padding()
        tokenizer.enable_truncation(model.max_seq_length)
        tokenizer.save(str(work / "tokenizer.json"))
        _export_transformer(model_dir, work / "model.onnx", torch)
        dim = int(model.get_embedding_dimension() or 0)
        export = Export(work, pooling, dim)
        agreement = _agreement(model, OnnxEncoder("probe", export))
        if agreement < AGREEMENT:
            log.warning(
                "The ONNX export of %s agrees with PyTorch only to cosine %.6f; it runs on PyTorch",
                model_dir,
                agreement,
            )
            return None
        (work / "export.json").write_text(
            json.dumps({"pooling": pooling, "dim": dim, "agreement": agreement, "model": str(model_dir)})
        )
        folder = cache_dir / key
        shutil.rmtree(folder, ignore_errors=True)
        try:
            work.rename(folder)
            folder.chmod(0o755)  # mkdtemp made it private; the model is no secret
        except OSError:  # another process finished the same export first
            if cached_export(model_dir, cache_dir) is None:
                raise
        _remove_older_exports(cache_dir, model_dir, keep=folder)
        return Export(folder, pooling, dim)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remove_older_exports(cache_dir: Path, model_dir: Path, keep: Path) -> None:
    """Exports that nothing will use again (90 MB each): those of the same model folder made
    before a reinstall or a runtime upgrade, and those of model folders that are gone (a
    deleted checkout's virtual environment)."""
    for folder in cache_dir.iterdir():
        if folder == keep or folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            made_from = json.loads((folder / "export.json").read_text()).get("model")
        except (OSError, ValueError, AttributeError):
            continue  # not an export of ours, or unreadable: leave it be
        if not isinstance(made_from, str):
            continue
        if made_from == str(model_dir) or not Path(made_from).is_dir():
            log.info("Removing an export of %s that is no longer used: %s", made_from, folder)
            shutil.rmtree(folder, ignore_errors=True)


def _export_transformer(model_dir: Path, target: Path, torch) -> None:  # type: ignore[no-untyped-def]
    from transformers import AutoConfig, AutoModel

    # Eager attention exports as the plain matrix products that ONNX Runtime's optimizer
    # recognises and fuses into one Attention operator; that fusion is most of the speed.
    transformer = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    config = AutoConfig.from_pretrained(str(model_dir))

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    raw = target.with_suffix(".raw.onnx")
    # The exporter warns about indexing patterns that BERT-like models do not use with
    # negative indices; the agreement check after export is the real test.
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(),
            example,
            str(raw),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    try:
        from onnxruntime.transformers import optimizer

        logging.disable(logging.INFO)  # the optimizer narrates each fusion at INFO
        try:
            fused = optimizer.optimize_model(
                str(raw),
                model_type="bert",
                num_heads=int(getattr(config, "num_attention_heads", 0) or 0),
                hidden_size=int(getattr(config, "hidden_size", 0) or 0),
                opt_level=1,
            )
            fused.save_model_to_file(str(target))
        finally:
            logging.disable(logging.NOTSET)
        raw.unlink()
    except Exception as exc:  # the optimizer knows BERT-like graphs; others run unfused
        log.info("ONNX Runtime could not fuse %s (%s); using the plain export", model_dir, exc)
        raw.rename(target)


def _agreement(model, exported: OnnxEncoder) -> float:  # type: ignore[no-untyped-def]
    reference = model.encode(
        list(PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    ours = exported.encode(list(PROBES))
    return float((np.asarray(reference, dtype=np.float32) * ours).sum(axis=1).min())


def whole_words(vocabulary: Iterable[str]) -> frozenset[str]:
    """A tokenizer's vocabulary as the lower-case words it holds whole (WordPiece marks
    word pieces "##"; SentencePiece and byte-level BPE mark word starts "▁" and "Ġ")."""
    return frozenset(t.lstrip("▁Ġ").lower() for t in vocabulary if not t.startswith("##"))
