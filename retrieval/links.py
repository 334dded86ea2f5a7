"""A link someone sent, read into an article draft: fetch, decode, extract, name it."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from retrieval.errors import NewsbotError
from retrieval.extract import decode_page, extract_article, plain_title
from retrieval.fetch import DEFAULT_RULES, FetchError, FetchRules, Page, fetch
from retrieval.store import Draft
from retrieval.text import clean_text
from retrieval.urls import canonical_url

_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


class LinkError(NewsbotError):
    """A link that gave no article; the message is for the person who sent it."""


def find_links(text: str) -> list[str]:
    """The http(s) links in a message, in order, without repeats or trailing punctuation."""
    found: list[str] = []
    for match in _LINK.finditer(text):
        link = match.group(0).rstrip(".,;:!?)]}»”’")
        if link not in found:
            found.append(link)
    return found


async def read_link(url: str, rules: FetchRules = DEFAULT_RULES) -> Draft:
    """The article behind `url`, or LinkError with a message a person understands."""
    try:
        page = await fetch(url, rules)
    except FetchError as exc:
        raise LinkError(str(exc)) from exc
    # Decoding and extraction take tens of milliseconds of CPU on a big page: off the loop,
    # so one link never stalls the bot's other users.
    return await asyncio.to_thread(_article, page)


def _article(page: Page) -> Draft:
    text = decode_page(page.body, page.charset)
    if page.content_type == "text/plain":
        body = clean_text(text)
        lines = body.split("\n\n", 1)
        draft: Draft | None = (
            Draft(text=lines[-1], title=plain_title(lines[0][:200])) if len(lines) == 2 else None
        )
    else:
        draft = extract_article(text, page.url)
    if draft is None or not draft.text:
        raise LinkError("I found no article text on that page.")
    return replace(
        draft,
        url=_canonical(draft.url, page.url),
        title=draft.title or urlsplit(page.url).hostname or page.url,
        publisher=draft.publisher or _site_name(page.url),
    )


def _canonical(claimed: str | None, fetched: str) -> str:
    """The page's own canonical address when it names one on its own site, else where it
    was read from; either way in one spelling (`urls.canonical_url`).

    A canonical link to another site is ignored: any page can claim to be any other, and
    believing it would let a stranger's page stand in for (or, refreshed, overwrite) a
    stored article. A true syndicated copy is recognised by its text instead.
    """
    fetched_url = canonical_url(fetched)
    if claimed:
        try:
            own = canonical_url(urljoin(fetched, claimed))
        except NewsbotError:
            return fetched_url
        if _site(own) == _site(fetched_url):
            return own
    return fetched_url


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _site_name(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or None
