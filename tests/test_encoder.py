"""Questions asked at the same moment share one pass through the model."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from retrieval.encoder import Encoder, QueryBatcher


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
