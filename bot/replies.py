"""What the bot says, as Telegram HTML: pure functions from retrieval results to messages.

Everything that comes from an article or a user is escaped here and nowhere else. Messages are
cut to Telegram's limit on whole blocks (one quote with its source), and a block that is too
long alone is cut between sentences, so no cut ever falls inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.terminal import human_date, stats_rows
from retrieval.archive import ArchiveStats, IngestResult
from retrieval.search import Answer, Hit, Source, source_of
from retrieval.store import Article
from retrieval.text import split_sentences

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the text
# A quote this long (characters) is collapsed behind "expand" in Telegram's clients.
EXPANDABLE_FROM = 500
_TAG = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def source_html(source: Source) -> str:
    title = html.escape(source.title or source.url or "Untitled")
    url = source.url if _linkable(source.url) else None
    linked = f'<a href="{html.escape(url, quote=True)}">{title}</a>' if url else title
    parts = [linked, *(html.escape(p) for p in (source.publisher, human_date(source.published)) if p)]
    line = " · ".join(parts)
    also = source.also_reported_by()
    if also:
        line += "\nalso reported by " + ", ".join(html.escape(name) for name in also)
    return line


def _linkable(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme in ("http", "https")


def quote_html(hit: Hit, limit: int = MAX_MESSAGE) -> list[str]:
    """One quote as blockquote(s) with the best sentence in bold; more than one blockquote
    only when the passage alone would not fit in a message."""
    end = hit.highlight_start + len(hit.highlight)
    pieces = [(0, hit.highlight_start, False), (hit.highlight_start, end, True), (end, len(hit.text), False)]
    text = hit.text

    def render(start: int, stop: int) -> str:
        out = []
        for a, b, bold in pieces:
            a, b = max(a, start), min(b, stop)
            if a < b:
                chunk = html.escape(text[a:b])
                out.append(f"<b>{chunk}</b>" if bold else chunk)
        body = "".join(out).strip()
        opening = "<blockquote expandable>" if stop - start > EXPANDABLE_FROM else "<blockquote>"
        return f"{opening}{body}</blockquote>"

    def last_fitting(start: int, stops: Sequence[int]) -> int | None:
        """The last of `stops` (ascending, all after `start`) up to which a blockquote from
        `start` fits; the rendered length only grows with the stop, so a binary search finds
        it."""
        lo, hi, best = 0, len(stops) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            if utf16_len(render(start, stops[mid])) <= limit:
                best, lo = stops[mid], mid + 1
            else:
                hi = mid - 1
        return best

    whole = render(0, len(text))
    if utf16_len(whole) <= limit:
        return [whole]
    # Cut at the last sentence end that fits; in a sentence too long for a message (a list
    # without full stops, text in a script without spaces), at the last space that fits,
    # else at the last character.
    sentence_ends = [end for _, end in split_sentences(text)]
    spaces = [m.start() for m in re.finditer(r"\s", text)]
    chunks, start = [], 0
    while utf16_len(render(start, len(text))) > limit:
        cut = (
            last_fitting(start, [e for e in sentence_ends if start < e < len(text)])
            or last_fitting(start, [s for s in spaces if s > start])
            or last_fitting(start, range(start + 1, len(text)))
            or start + 1
        )
        chunks.append(render(start, cut))
        start = cut
    chunks.append(render(start, len(text)))
    return chunks


def answer_blocks(hits: Sequence[Hit]) -> list[str]:
    blocks = []
    for hit in hits:
        quotes = quote_html(hit)
        quotes[-1] += "\n" + source_html(hit.article)
        blocks.extend(quotes)
    return blocks


def not_found_html(articles_held: int, nearest: Source | None = None) -> str:
    if articles_held == 0:
        return (
            "I haven't read any articles yet, so I can't answer that. "
            "Send me a link to a news article and I'll read it."
        )
    noun = "article" if articles_held == 1 else "articles"
    near = f"The nearest story is about it but doesn't say:\n{source_html(nearest)}\n\n" if nearest else ""
    return (
        f"I couldn't find an answer to that in the {articles_held:,} {noun} I've read. {near}"
        "If you know an article about it, send me the link and I'll read it."
    )


def pack(blocks: Sequence[str], limit: int = MAX_MESSAGE, separator: str = "\n\n") -> list[str]:
    """Blocks joined into as few messages as fit, never splitting a block."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}{separator}{block}" if current else block
        if current and utf16_len(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def answer_messages(answer: Answer, articles_held: int) -> list[str]:
    # A question read otherwise than typed says so first, so that a wrong reading is seen.
    read_as = [f"<i>I read that as: {html.escape(answer.read_as)}</i>"] if answer.read_as else []
    if not answer.answered:
        return pack([*read_as, not_found_html(articles_held, answer.nearest)])
    return pack([*read_as, *answer_blocks(answer.hits)])


def plain_text(message: str) -> str:
    """The same content without markup, for when Telegram refuses the HTML."""
    return html.unescape(_TAG.sub("", message))


# -- status messages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Greeting:
    articles: int
    newest: str | None
    links_per_message: int


def help_html(greeting: Greeting) -> str:
    held = (
        f"I have read {greeting.articles:,} article{'s' if greeting.articles != 1 else ''}"
        + (f"; the newest is from {human_date(greeting.newest)}." if greeting.newest else ".")
        if greeting.articles
        else "I haven't read any articles yet."
    )
    return (
        "<b>I answer questions about the news</b> with the passages that answer them, quoted word "
        "for word, each with its source.\n\n"
        "<b>Ask</b> anything in plain words, e.g. <i>Who asked for the call between the army chiefs?</i> "
        "Ask for <i>the latest on</i> a story (or /latest) to get the newest reports first.\n"
        "<b>Add an article</b>: send me its link (up to "
        f"{greeting.links_per_message} per message) and I'll read it.\n"
        "<b>In groups</b>, mention me, reply to me, or use /ask followed by your question.\n\n" + held
    )


def reading_html(url: str) -> str:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return f"Reading {html.escape(host)}…"


def ingest_html(result: IngestResult) -> str:
    article = result.article
    source = source_of(article)
    if result.added:
        verb = "Updated" if result.replaced else "Read"
        count = f"{result.passages} passage{'s' if result.passages != 1 else ''}"
        return f"{verb}: {source_html(source)}\n{count} added; ask me about it."
    when = human_date(article.ingested[:10])
    copy = "\nI noted this link as another source of it." if result.copy_recorded else ""
    return f"I already have it (since {when}): {source_html(source)}{copy}"


def link_error_html(url: str, reason: str) -> str:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return f"I couldn't read {html.escape(host)}: {html.escape(reason)}"


def stats_html(stats: ArchiveStats) -> str:
    return "\n".join(f"<b>{name}:</b> {html.escape(value)}" for name, value in stats_rows(stats))


def sources_html(articles: Sequence[Article]) -> str:
    if not articles:
        return "No articles yet."
    lines = ["<b>Latest articles</b>"]
    for article in articles:
        source = source_of(article)
        lines.append(f"{article.id}. {source_html(source)}")
    return "\n".join(lines)
