"""A source's date is the page's own: never a day the date reader filled in."""

from datetime import date

import pytest

from retrieval.dates import checked_date
from retrieval.extract import extract_article
from tests.pages import ARTICLE_TEXT

TODAY = date(2026, 11, 27)


def page(published: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in ARTICLE_TEXT)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council votes</title>'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>Council votes</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize("partial", ["2024-05", "2024"])
def test_a_page_dated_only_by_month_or_year_gets_no_made_up_day(partial: str) -> None:
    draft = extract_article(page(partial), "https://gazette.example.com/news/bridge")
    assert draft is not None
    assert draft.published is None


def test_a_page_dated_in_full_keeps_its_date() -> None:
    draft = extract_article(page("2024-05-17T10:00:00Z"), "https://gazette.example.com/news/bridge")
    assert draft is not None
    assert draft.published == "2024-05-17"


@pytest.mark.parametrize(
    ("found", "html", "url", "kept"),
    [
        # The days a completion gives (today's day of the month, or 1 January), not written out.
        ("2024-05-27", '<meta content="2024-05">', None, False),
        ("2024-01-01", '{"datePublished": "2024"}', None, False),
        ("2024-11-27", "Posted in November 2024", None, False),
        # The same days, written out by the page or its address.
        ("2026-11-27", '<meta content="2026-11-27T08:00:00Z">', None, True),
        ("2024-01-01", "<p>By Maria Lopez, 1 January 2024</p>", None, True),
        ("2019-11-27", "<time>Nov. 27, 2019</time>", None, True),
        ("2018-09-27", "publiziert am 27. September 2018", None, True),
        ("2024-12-27", "27 de diciembre de 2024", None, True),
        ("2019-11-27", "", "https://news.example.com/columnists/201911271077343476-royal", True),
        ("2019-11-27", "", "https://news.example.com/2019/11/27/story", True),
        # Any other day cannot have been filled in: it was read from the page.
        ("2024-05-17", "", None, True),
        # Not a date at all.
        ("2024-13-45", "2024-13-45", None, False),
        (None, "", None, False),
    ],
)
def test_a_day_that_may_have_been_filled_in_is_kept_only_when_the_page_writes_it(
    found: str | None, html: str, url: str | None, kept: bool
) -> None:
    assert checked_date(found, html, url, today=TODAY) == (found if kept else None)
