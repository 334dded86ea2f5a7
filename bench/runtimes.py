"""Model runtimes for embedding passages on this CPU, side by side in one run.

    python -m bench.runtimes

For dev-set paragraphs of 40 words or more: passages/s and
the lowest and median cosine to plain sentence-transformers fp32 vectors, for
- sentence-transformers fp32 (PyTorch), batch 32: the baseline;
- newsbot's ONNX Runtime fp32 export (what the product runs), batches of 8 and 32;
- the same export with int8 dynamic quantisation (ONNX Runtime's `quantize_dynamic`),
  which the product does not use: it is here to show what it would cost in agreement;
- newsbot's bf16 path for passages (`encoder.Bf16Passages`, PyTorch), which
  NEWSBOT_INGEST_PRECISION=auto takes only where the CPU has AMX; elsewhere the row shows
  what it would cost (with AVX512-BF16 alone, or emulated where the CPU has neither).

It also prints one short question's embedding time for each, which is what a question's
latency pays.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.devset import ground_truth, require_devset
from retrieval.encoder import (
    Bf16Passages,
    SentenceTransformerEncoder,
    cpu_flags,
    cpu_has_fast_bf16,
    load_encoder,
)
from retrieval.onnx_encoder import Export, OnnxEncoder
from retrieval.text import clean_text

QUESTION = "Who asked for the call between the Russian and American army chiefs?"


def dev_inputs(limit: int = 384) -> list[str]:
    out = []
    for item in ground_truth().values():
        for paragraph in clean_text(item["articleBody"]).split("\n\n"):
            if len(paragraph.split()) >= 40:
                out.append(paragraph)
    return out[:limit]


def measure(encode, texts: list[str]) -> tuple[float, float, np.ndarray]:  # type: ignore[no-untyped-def]
    """(passages/s, question ms median, vectors)."""
    encode(texts[:16])  # warm up
    started = time.perf_counter()
    vectors = encode(texts)
    rate = len(texts) / (time.perf_counter() - started)
    times = []
    for _ in range(30):
        started = time.perf_counter()
        encode([QUESTION])
        times.append(time.perf_counter() - started)
    return rate, statistics.median(times) * 1000, np.asarray(vectors, dtype=np.float32)


def int8_export(export: Export, folder: Path) -> Export:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokenizer.json").write_bytes((export.folder / "tokenizer.json").read_bytes())
    quantize_dynamic(
        str(export.folder / "model.onnx"),
        str(folder / "model.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    return Export(folder, export.pooling, export.dim)


def bf16_hardware() -> str:
    """What this CPU has for bfloat16, as the bf16 row names it."""
    if cpu_has_fast_bf16():
        return "AMX"
    return "AVX512-BF16, no AMX" if "avx512_bf16" in cpu_flags() else "emulated"


def main() -> None:
    require_devset()
    texts = dev_inputs()
    words = statistics.mean(len(t.split()) for t in texts)
    print(f"{len(texts)} dev paragraphs, {words:.0f} words on average\n")

    plain = SentenceTransformerEncoder()
    ours = load_encoder(ingest_precision="fp32")
    assert isinstance(ours, OnnxEncoder), "the packaged model should run on ONNX Runtime"
    rows: list[tuple[str, float, float, np.ndarray]] = []
    rate, ms, reference = measure(lambda t: plain.encode(t, 32), texts)
    rows.append(("sentence-transformers fp32, batch 32 (baseline)", rate, ms, reference))
    rate, ms, vectors = measure(ours.encode, texts)
    rows.append(("ONNX Runtime fp32, batch 8 (newsbot)", rate, ms, vectors))
    wide = OnnxEncoder("batch 32", ours.export, largest_batch=32)
    rate, ms, vectors = measure(wide.encode, texts)
    rows.append(("ONNX Runtime fp32, batch 32", rate, ms, vectors))

    with tempfile.TemporaryDirectory() as scratch:
        quantized = OnnxEncoder("int8", int8_export(ours.export, Path(scratch)))
        rate, ms, vectors = measure(quantized.encode, texts)
        rows.append(("ONNX Runtime int8 dynamic, batch 8", rate, ms, vectors))

    # newsbot's own bfloat16 path (what NEWSBOT_INGEST_PRECISION=auto picks on a CPU with
    # AMX); measured everywhere, to show why it is not picked elsewhere.
    rate, ms, vectors = measure(Bf16Passages(ours).encode, texts)
    rows.append((f"PyTorch bf16, batch 32 ({bf16_hardware()})", rate, ms, vectors))

    print(
        f"{'runtime':<50} {'passages/s':>10} {'x base':>7} {'question ms':>12} {'min cos':>9} {'median cos':>11}"
    )
    base = rows[0][1]
    for name, rate, ms, vectors in rows:
        cos = (vectors * reference).sum(axis=1)
        print(
            f"{name:<50} {rate:>10.1f} {rate / base:>7.2f} {ms:>12.1f} {cos.min():>9.6f} {np.median(cos):>11.6f}"
        )


if __name__ == "__main__":
    main()
