"""From an HTML page to an article: its main text and what the page says about itself."""

from __future__ import annotations

import trafilatura
from trafilatura.settings import Document

from retrieval.store import Draft
from retrieval.text import clean_text, word_count

MAX_TITLE_CHARS = 300
# Less than this is navigation, a cookie wall or a teaser, not an article worth quoting.
MIN_ARTICLE_WORDS = 25


def extract_article(html: str, url: str | None = None) -> Draft | None:
    """The article in `html`, or None when the page holds no article text."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    if not isinstance(doc, Document) or not doc.text:
        return None
    text = clean_text(doc.text)
    if word_count(text) < MIN_ARTICLE_WORDS:
        return None
    return Draft(
        text=text,
        title=plain_title(doc.title or ""),
        url=doc.url or url,
        publisher=doc.sitename or None,
        author=doc.author or None,
        published=doc.date or None,
        language=doc.language or None,
    )


def plain_title(title: str) -> str:
    """A title as one line of plain text of bounded length (markup stays literal)."""
    title = " ".join(clean_text(title).split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title
