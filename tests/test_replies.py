"""A quote always fits Telegram's messages, however its passage was cut."""

import html
import re

import pytest

from bot.replies import MAX_MESSAGE, quote_html, utf16_len
from retrieval.search import Hit, Source

SOURCE = Source(1, "https://example.com/story", "A story", "Example News", "2024-05-17")


def visible(blockquote: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", blockquote))


@pytest.mark.parametrize(
    "text",
    [
        # Passages as an archive from before passages were capped in characters may hold:
        ", ".join(f"Name{i} Surname{i}" for i in range(1500)),  # a list with no full stop
        "北京市政府周二宣布新的交通规则" * 400,  # a script without spaces
        "R&D <M&A> " * 1000,  # short, until every "&" and "<" is escaped
    ],
)
def test_a_quote_too_long_for_one_message_is_split_into_ones_that_fit(text: str) -> None:
    hit = Hit(1, text, text[:40], 0, 0.5, SOURCE)
    parts = quote_html(hit)
    assert len(parts) > 1
    assert all(utf16_len(part) <= MAX_MESSAGE for part in parts)
    # In order, and nothing lost: the parts read as the passage, less the spaces at the cuts.
    assert "".join(visible(part) for part in parts).replace(" ", "") == text.replace(" ", "")
    assert parts[0].count("<b>") == 1  # the best sentence is still the one in bold
