"""Cutting an article into passages: the unit that is embedded, searched and quoted.

A passage is a span of the article's stored text, never a rewritten copy, so a quote is an
exact substring of the article by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.text import paragraph_spans, split_sentences, word_count
from retrieval.times import is_time_of_day

# News paragraphs run 20-60 words. Below MIN_WORDS a paragraph ("It did not mention
# Ukraine.") means little alone, so it joins its neighbour. Above MAX_WORDS a paragraph is
# cut at sentences into even chunks: one vector for a long paragraph blurs the several
# points it makes, so the chunk that answers ranks below its neighbours. Measured on the
# development set (docs/relevance.md): a cap of 55-70 words ranks best; 120 and 45 do worse.
# A higher MIN_WORDS ranked long questions better there too, but the merged paragraphs'
# vectors blur enough that short questions fell under the relevance floor.
MIN_WORDS = 12
MAX_WORDS = 60
# Words are counted as runs of letters, so text in a script written without spaces
# (Chinese, Japanese, Thai) is a word or two per sentence, and a paragraph without a full
# stop is one sentence: neither would ever be cut, and a passage of thousands of characters
# is neither embedded whole (the model reads its first 256 tokens) nor quotable in one
# Telegram message. So a passage is also cut at this many characters (60 English words
# take about 400), and a piece this long is never short, whatever its word count.
MAX_CHARS = 1000
_SHORT_CHARS = MAX_CHARS // 4
_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_passages(text: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[Span]:
    pieces: list[Span] = []
    for start, end in paragraph_spans(text):
        if word_count(text[start:end]) > max_words or end - start > MAX_CHARS:
            pieces.extend(_split_long(text, start, end, max_words))
        else:
            pieces.append(Span(start, end))
    return _merge_short(text, pieces, min_words, max_words)


def _split_long(text: str, start: int, end: int, max_words: int) -> list[Span]:
    """Group the sentences of one paragraph into chunks of similar size, each <= max_words
    where sentences allow, and <= MAX_CHARS (`_cut_sentence` cuts a sentence longer than
    that)."""
    sentences = [
        piece for a, b in split_sentences(text, start, end) for piece in _cut_sentence(text, a, b, max_words)
    ]
    counts = [word_count(text[a:b]) for a, b in sentences]
    total = sum(counts)
    chunks = max(1, -(-total // max_words))
    target = total / chunks
    spans: list[Span] = []
    chunk_start, chunk_end, chunk_words = sentences[0][0], sentences[0][0], 0
    for (a, b), n in zip(sentences, counts, strict=True):
        full = chunk_words and (chunk_words + n > max_words or chunk_words >= target)
        if a > chunk_start and (full or b - chunk_start > MAX_CHARS):
            spans.append(Span(chunk_start, chunk_end))
            chunk_start, chunk_words = a, 0
        chunk_words += n
        chunk_end = b
    spans.append(Span(chunk_start, chunk_end))
    return spans


def _cut_sentence(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """A sentence longer than MAX_CHARS as pieces cut between words, each of at most
    max_words words and MAX_CHARS characters; a word longer than that (a script without
    spaces) is cut every MAX_CHARS characters. A shorter sentence stays whole, however many
    its words."""
    if end - start <= MAX_CHARS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece: tuple[int, int] | None = None
    count = 0
    for word in _NON_SPACE.finditer(text, start, end):
        if piece is None:
            piece, count = word.span(), 1
        elif count >= max_words or word.end() - piece[0] > MAX_CHARS:
            pieces.append(piece)
            piece, count = word.span(), 1
        else:
            piece, count = (piece[0], word.end()), count + 1
    if piece is not None:
        pieces.append(piece)
    return [(cut, min(cut + MAX_CHARS, b)) for a, b in pieces for cut in range(a, b, MAX_CHARS)]


def _merge_short(text: str, pieces: list[Span], min_words: int, max_words: int) -> list[Span]:
    merged: list[Span] = []
    pending: Span | None = None  # a short piece waiting for a neighbour
    for piece in pieces:
        if pending is not None:
            piece = Span(pending.start, piece.end)
            pending = None
        n = word_count(text[piece.start : piece.end])
        if n >= min_words or piece.end - piece.start >= _SHORT_CHARS:
            merged.append(piece)
            continue
        # Short: a short paragraph usually finishes the thought before it ("It did not
        # mention Ukraine or any other topic."), so join backwards when that fits. A
        # question is a heading that introduces what follows ("What was the Swedish
        # investigation about?"), and so is a line ending in a colon ("Here's what to
        # know:") and a time of day alone ("10 p.m."), so those wait for the next paragraph.
        short = text[piece.start : piece.end].strip()
        if (
            merged
            and not short.endswith(("?", ":"))
            # In a running story, a time of day heads the update after it ("The Latest
            # on the stabbing (all times local):", then "10 p.m.", then that update).
            and not is_time_of_day(short)
            and word_count(text[merged[-1].start : piece.end]) <= max_words
            and piece.end - merged[-1].start <= MAX_CHARS
        ):
            merged[-1] = Span(merged[-1].start, piece.end)
        else:
            pending = piece
    if pending is not None:
        if merged and pending.end - merged[-1].start <= MAX_CHARS:
            merged[-1] = Span(merged[-1].start, pending.end)
        else:
            merged.append(pending)
    return merged
