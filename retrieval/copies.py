"""Recognising the same story in another outlet's copy (wire copy, a re-post).

Each article gets a MinHash sketch of its 5-word shingles: 64 minima under 64 hash functions,
whose share of equal positions estimates the Jaccard similarity of two texts' shingle sets.
Sketches are cut into 32 bands of 2 values; articles sharing any band are candidates, so a
new article is compared with a handful of stored ones rather than all of them.
"""

from __future__ import annotations

import hashlib

import numpy as np

from retrieval.text import words

SHINGLE_WORDS = 5
PERMUTATIONS = 64
BANDS = 32
# Copies of one wire story differ by a dateline, a trimmed last paragraph or an editor's
# note: their estimated Jaccard stays well above this. Two different stories on the same
# event share a few names and quotes and stay near 0.1.
NEAR_DUPLICATE = 0.5

_rng = np.random.default_rng(20241205)
# Multiply-shift hashing (odd multipliers, arithmetic mod 2**64): fixed forever, since
# stored sketches must stay comparable with new ones.
_MULTIPLIERS = _rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_OFFSETS = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)


def sketch(text: str) -> np.ndarray:
    """The text's MinHash signature: PERMUTATIONS uint64 values."""
    tokens = words(text)
    if len(tokens) < SHINGLE_WORDS:
        tokens = tokens + [""] * (SHINGLE_WORDS - len(tokens))
    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingles),
        dtype=np.uint64,
        count=len(shingles),
    )
    with np.errstate(over="ignore"):
        mixed = hashes[:, None] * _MULTIPLIERS[None, :] + _OFFSETS[None, :]
    return mixed.min(axis=0)


def band_keys(signature: np.ndarray) -> list[int]:
    """One key per band, as signed 64-bit integers (what SQLite stores)."""
    rows = PERMUTATIONS // BANDS
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(signature[band * rows : (band + 1) * rows].tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True) ^ band)
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.mean(a == b))
