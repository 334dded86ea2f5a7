"""Cutting an article into passages: the unit that is embedded, searched and quoted.

A passage is a span of the article's stored text, never a rewritten copy, so a quote is an
exact substring of the article by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.text import paragraph_spans, split_sentences, word_count

# News paragraphs run 20-60 words. Below MIN_WORDS a paragraph ("It did not mention
# Ukraine.") means little alone, so it joins its neighbour. Above MAX_WORDS a paragraph is
# cut at sentences into even chunks: one vector for a long paragraph blurs the several
# points it makes, so the chunk that answers ranks below its neighbours. Measured on the
# development set (docs/relevance.md): a cap of 55-70 words ranks best; 120 and 45 do worse.
# A higher MIN_WORDS ranked long questions better there too, but the merged paragraphs'
# vectors blur enough that short questions fell under the relevance floor.
MIN_WORDS = 12
MAX_WORDS = 60


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_passages(text: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Span]:
    pieces: list[Span] = []
    for start, end in paragraph_spans(text):
        if word_count(text[start:end]) > max_words:
            pieces.extend(_split_long(text, start, end, max_words))
        else:
            pieces.append(Span(start, end))
    return _merge_short(text, pieces, min_words, max_words)


def _split_long(text: str, start: int, end: int, max_words: int) -> list[Span]:
    """Group the sentences of one paragraph into chunks of similar size, each <= max_words
    where sentences allow (a single overlong sentence stays whole)."""
    sentences = split_sentences(text, start, end)
    counts = [word_count(text[a:b]) for a, b in sentences]
    total = sum(counts)
    chunks = max(1, -(-total // max_words))
    target = total / chunks
    spans: list[Span] = []
    chunk_start, chunk_words = sentences[0][0], 0
    for (a, _), n in zip(sentences, counts, strict=True):
        if chunk_words and (chunk_words + n > max_words or chunk_words >= target):
            spans.append(Span(chunk_start, _previous_end(sentences, a)))
            chunk_start, chunk_words = a, 0
        chunk_words += n
    spans.append(Span(chunk_start, sentences[-1][1]))
    return spans


def _previous_end(sentences: list[tuple[int, int]], start: int) -> int:
    return max(b for a, b in sentences if b <= start)


def _merge_short(text: str, pieces: list[Span], min_words: int, max_words: int) -> list[Span]:
    merged: list[Span] = []
    pending: Span | None = None  # a short piece waiting for a neighbour
    for piece in pieces:
        if pending is not None:
            piece = Span(pending.start, piece.end)
            pending = None
        n = word_count(text[piece.start : piece.end])
        if n >= min_words:
            merged.append(piece)
            continue
        # Short: a short paragraph usually finishes the thought before it ("It did not
        # mention Ukraine or any other topic."), so join backwards when that fits. A
        # question is a heading that introduces what follows ("What was the Swedish
        # investigation about?"), and so is a line ending in a colon ("Here's what to
        # know:"), so those wait for the next paragraph.
        if (
            merged
            and not text[piece.start : piece.end].rstrip().endswith(("?", ":"))
            and word_count(text[merged[-1].start : piece.end]) <= max_words
        ):
            merged[-1] = Span(merged[-1].start, piece.end)
        else:
            pending = piece
    if pending is not None:
        if merged:
            merged[-1] = Span(merged[-1].start, pending.end)
        else:
            merged.append(pending)
    return merged
