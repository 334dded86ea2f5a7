import pytest

from retrieval.errors import NewsbotError
from retrieval.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Example.COM/News/Story/", "https://www.example.com/News/Story"),
        ("https://example.com/a?utm_source=x&utm_medium=y&id=7#comments", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=abc&gclid=def", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/story/amp/", "https://example.com/story"),
        ("https://example.com/story.amp.html", "https://example.com/story.html"),
        ("https://amp.example.com/story", "https://example.com/story"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a//b", "https://example.com/a/b"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize("url", ["ftp://example.com/a", "example.com/a", "https://", "http://[::1"])
def test_not_web_addresses_are_refused(url: str) -> None:
    with pytest.raises(NewsbotError):
        canonical_url(url)
