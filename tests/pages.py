"""A real HTTP server on 127.0.0.1 that serves the kinds of pages people send newsbot: a news
article in its boilerplate, copies of it, and every way a link can go wrong."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.loopback import serving

EMBEDDED_TWEET = (
    "Closing the bridge is the right call. Nobody should drive over a deck that engineers say is failing."
)
# The mayor's name as some sites print it: a link, then a hover card with her photo and latest
# stories, hidden by the site's CSS until the mouse is over her name.
HOVER_CARD_NAME = (
    '<span class="person"><a href="/people/anna-keller">Anna Keller</a><span class="card">'
    '<img src="/img/keller.jpg" alt=""><img src="/img/badge.png" alt=""><a href="/people/anna-keller">Anna Keller</a>'
    '<a href="/news/library">Mayor opens the new library wing</a> '
    '<a href="/news/tram">Keller backs the tram plan</a></span></span>'
)
# Other stories listed inside the article body, each item only a link, as science and news
# sites close their articles.
FURTHER_READING = {
    "ferry": "Ferry timetable changes from Monday",
    "tolls": "Tunnel tolls to rise in January",
    "trams": "Eleven facts about the old tram line",
}
# A sentence set apart for sharing, as WordPress's Social Warfare plugin prints it: between
# paragraphs, not in one.
CLICK_TO_TWEET = (
    '</p><a href="https://twitter.com/intent/tweet?text=..." rel="nofollow"><span class="sw-click-to-tweet">'
    '<span class="sw-ctt-text">{}</span><span class="sw-ctt-btn">Click To Tweet<i class="sw"></i></span>'
    "</span></a><p>"
)
# Paragraphs inside the article body that promote something else.
PROMOTIONS = [
    "Read more: Ferry timetable changes from Monday",
    "DON'T MISS: Tunnel tolls to rise in January",
    "Also on gazette.example.com Ten things to do this weekend",
    "Like this story? Share it with a friend!",
    "Subscribe to the Harbour Gazette morning newsletter",
    "Get the day's headlines in your inbox by subscribing to our newsletter.",
    "Follow Harbour Gazette on Facebook, Instagram and X.",
    "Get the Gazette delivered every morning. 12 issues for £9.99. Click here for details.",
]
# What a page's widgets leave behind as paragraphs: labels, bylines, credits and the
# reporter's contacts.
FURNITURE = [
    "Advertisement",
    "Updated at 1:23 p.m.",
    "Tell us what YOU think...",
    "maria.lopez@gazette.example.com",
    "twitter.com/marialopez",
    "Story continues below advertisement",
    "Staff Reports",
    "Main image credit: Getty",
    "Reporting by Maria Lopez; additional reporting by Tom Baker and Ana Ruiz; Editing by Sam Cole",
    "Tom Baker contributed reporting from Portline.",
    "Have a tip? Maria Lopez may be reached at maria.lopez@gazette.example.com.",
]
ARTICLE_TEXT = [
    "The city council voted on Tuesday to close the old Harbour Bridge to cars from next spring, "
    "ending a decade of arguments over the crumbling 1920s structure.",
    "Engineers told the council that the bridge's steel deck had lost a fifth of its strength since "
    "the last inspection in 2019, and that heavy traffic could no longer be allowed on it.",
    "Cyclists and pedestrians will still be able to cross while a replacement is designed, the mayor, "
    "Anna Keller, said after the vote, which passed by 31 votes to 9.",
    "Shop owners on the north bank warned that the closure would cut them off from customers, and "
    "asked the council for a free shuttle bus during the works.",
]


def article_page(title: str = "Council votes to close Harbour Bridge to cars", paragraphs: list[str] | None = None,
                 canonical: str | None = None, site: str = "Harbour Gazette", extra_head: str = "",
                 headline: str | None = None) -> str:  # fmt: skip
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or ARTICLE_TEXT))
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-11-19T09:30:00Z">
{link}{extra_head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>
<a href="/weather">Weather</a> <a href="/subscribe">Subscribe for £1 a week</a></nav></header>
<div class="ad">ADVERTISEMENT: Best mortgage rates in town, call now</div>
<main><article><h1>{headline or title}</h1><p class="byline">By Maria Lopez, 19 November 2024</p>
{body}
</article>
<section class="related"><h2>Related stories</h2><ul><li><a href="/a">Ten things to do this weekend</a></li>
<li><a href="/b">Ferry timetable changes from Monday</a></li></ul></section>
<section class="comments"><h2>Comments</h2><p>Reader99: About time too, that bridge is a death trap.</p></section>
</main><footer>© Harbour Gazette. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""


Handler = Callable[[BaseHTTPRequestHandler], None]


def _send(
    status: int,
    body: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


def _redirect(location: str) -> Handler:
    return _send(302, headers={"Location": location})


def _slow_drip(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(60):
            h.wfile.write(b"<p>a")
            h.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass  # the client gave up, as it should


def _endless(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    chunk = b"<p>" + b"spam " * 2000 + b"</p>"
    try:
        for _ in range(100_000):
            h.wfile.write(chunk)
    except OSError:
        pass


def routes(base: str) -> dict[str, Handler]:
    html = article_page().encode()
    cyrillic = (
        "<html><head><meta charset='utf-8'><title>Новости города</title></head><body><article>"
        + "".join(
            f"<p>Городской совет во вторник проголосовал за закрытие старого моста для машин, абзац {n}.</p>"
            for n in range(6)
        )
        + "</article></body></html>"
    ).encode("cp1251")
    bomb = gzip.compress(b"<p>" + b"0" * (50 * 2**20), compresslevel=9)
    return {
        "/news/bridge": _send(200, html),
        "/news/bridge-copy": _send(200, html),
        "/wire/bridge": _send(
            200,
            article_page(site="Wire Service", canonical=None)
            .replace("Harbour Gazette", "Wire Service")
            .encode(),
        ),
        "/news/bridge-updated": _send(
            200,
            article_page(
                paragraphs=[*ARTICLE_TEXT, "Update: the council will meet again on Friday."]
            ).encode(),
        ),
        "/news/bridge-canonical": _send(
            200, article_page(canonical=f"{base}/news/bridge?utm_source=feed").encode()
        ),
        "/news/bridge-foreign-canonical": _send(
            200, article_page(canonical="https://gazette.example.com/news/bridge").encode()
        ),
        "/nul": _send(
            200,
            article_page(
                title="Bridge\x00 &#xd800;vote",
                paragraphs=[p.replace("council", "coun\x00cil &#xdfff;") for p in ARTICLE_TEXT],
            ).encode(),
        ),
        # How news sites embed a post: Twitter's blockquote inside a "social" box, then its script.
        "/news/bridge-reactions": _send(
            200,
            article_page(
                paragraphs=[
                    *ARTICLE_TEXT,
                    '<div class="social-media-embed"><blockquote class="twitter-tweet"><p lang="en">'
                    f'{EMBEDDED_TWEET}</p>&mdash; Anna Keller (@mayorkeller) <a href="https://twitter.com/x">'
                    'November 19, 2024</a></blockquote>\n<script async src="https://platform.twitter.com/'
                    'widgets.js"></script></div>',
                    "Residents replied with photographs of rust on the railings.",
                ]
            ).encode(),
        ),
        "/news/bridge-promoted": _send(
            200,
            article_page(
                paragraphs=[
                    ARTICLE_TEXT[0],
                    FURNITURE[1],
                    PROMOTIONS[0],
                    PROMOTIONS[1],
                    CLICK_TO_TWEET.format(ARTICLE_TEXT[1]),
                    ARTICLE_TEXT[2].replace("Anna Keller", HOVER_CARD_NAME),
                    *PROMOTIONS[2:],
                    FURNITURE[0],
                    ARTICLE_TEXT[3],
                    *FURNITURE[2:],
                ]
            ).encode(),
        ),
        # The site's name in the title, and a headline worded differently from it.
        "/news/bridge-branded": _send(
            200,
            article_page(
                title="Council votes to close Harbour Bridge to cars | Harbour Gazette",
                headline="Harbour Bridge: council votes to close it to cars",
            ).encode(),
        ),
        "/news/bridge-further-reading": _send(
            200,
            (
                "<html><head><title>Council votes to close Harbour Bridge to cars</title></head><body>"
                '<main><article><div id="article-body">'
                + "".join(f"<p>{p}</p>" for p in ARTICLE_TEXT[:3])
                + "<ul>"
                + "".join(f'<li><a href="/news/{n}.html">{t}</a></li>' for n, t in FURTHER_READING.items())
                + f"</ul><p>{ARTICLE_TEXT[3]}</p></div></article></main></body></html>"
            ).encode(),
        ),
        # Other stories' headlines as a paragraph of links under a label, split by line
        # breaks and tagged, as British tabloids print them inside their articles.
        "/news/bridge-more-links": _send(
            200,
            article_page(
                paragraphs=[
                    *ARTICLE_TEXT[:2],
                    "<strong>DON'T MISS</strong>",
                    " ".join(
                        f'<a href="/news/{n}.html">{t}</a> [<strong>{tag}]|<br></strong>'
                        for (n, t), tag in zip(
                            FURTHER_READING.items(), ("INSIGHT", "VIDEO", "PICS"), strict=True
                        )
                    ),
                    *ARTICLE_TEXT[2:],
                ]
            ).encode(),
        ),
        "/jsonld": _send(
            200,
            b"""<html><head><title>x</title><script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "Ferry strike ends after two weeks", "datePublished": "2024-10-02T07:00:00Z",
"author": {"@type": "Person", "name": "Tom Baker"}, "publisher": {"@type": "Organization", "name": "Coast News"}}
</script></head><body><article>"""
            + "".join(f"<p>{p}</p>" for p in ARTICLE_TEXT).encode()
            + b"</article></body></html>",
        ),
        "/r1": _redirect("/r2"),
        "/r2": _redirect("/r3"),
        "/r3": _redirect("/news/bridge"),
        "/r-long": _redirect("/r-long2"),
        "/r-long2": _redirect("/r-long3"),
        "/r-long3": _redirect("/r-long4"),
        "/r-long4": _redirect("/r-long5"),
        "/r-long5": _redirect("/r-long6"),
        "/r-long6": _redirect("/news/bridge"),
        "/loop-a": _redirect("/loop-b"),
        "/loop-b": _redirect("/loop-a"),
        "/to-metadata": _redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-loopback": _redirect(base.replace("127.0.0.2", "127.0.0.1") + "/news/bridge"),
        "/refresh-to-metadata": _send(
            200,
            b'<html><head><meta http-equiv="refresh" content="0; url=http://169.254.169.254/"></head></html>',
        ),
        "/refresh-to-article": _send(
            200, b'<html><head><meta http-equiv="refresh" content="0;URL=/news/bridge"></head></html>'
        ),
        "/slow": _slow_drip,
        "/endless": _endless,
        "/bomb": _send(200, bomb, headers={"Content-Encoding": "gzip"}),
        "/huge-declared": _send(200, b"<p>small</p>", headers={"Content-Length": str(50 * 2**20)}),
        "/report.pdf": _send(200, b"%PDF-1.7\n" + b"0" * 100, content_type="application/pdf"),
        "/photo": _send(200, b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"),
        "/no-article": _send(
            200, b"<html><body><nav><a href='/'>Home</a></nav><p>Subscribe to read.</p></body></html>"
        ),
        "/cp1251": _send(200, cyrillic),
        "/hostile": _send(
            200,
            article_page(title="<script>alert(1)</script><b>Bridge</b> & more " + "long " * 200).encode(),
        ),
        "/gone": _send(404, b"<h1>Not found</h1>"),
    }


class _Handler(BaseHTTPRequestHandler):
    table: dict[str, Handler]  # set per server in serve_pages

    def do_GET(self) -> None:
        handler = self.table.get(self.path.split("?")[0])
        if handler is None:
            _send(404, b"not found")(self)
        else:
            handler(self)

    def log_message(self, format: str, *args: object) -> None:  # quiet tests
        pass


@contextmanager
def serve_pages(host: str = "127.0.0.1") -> Iterator[str]:
    """Serves the pages on `host` (any of 127.0.0.0/8); yields the base URL."""
    handler = type("PageHandler", (_Handler,), {})
    with serving(ThreadingHTTPServer((host, 0), handler)) as base:
        handler.table = routes(base)
        yield base
