"""From an HTML page to an article: its main text and what the page says about itself."""

from __future__ import annotations

import codecs
import logging
import re
import threading

import charset_normalizer
import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from retrieval.dates import checked_date
from retrieval.store import Draft
from retrieval.text import clean_text, word_count, words

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 300
# Less than this is navigation, a cookie wall or a teaser, not an article worth quoting.
MIN_ARTICLE_WORDS = 25
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.IGNORECASE)
# Posts that an article embeds (what a minister tweeted, what a witness posted) are part of
# its reporting. Sites wrap them in "social"/"embed" boxes, which the extractor discards as
# share buttons, so the post is lifted out of wrappers that hold nothing else.
_EMBEDDED_POST_CLASSES = (
    "twitter-tweet",
    "instagram-media",
    "tiktok-embed",
    "bluesky-embed",
    "mastodon-embed",
)
_EMBEDDED_POSTS = "|".join(
    f"//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in _EMBEDDED_POST_CLASSES
)
# A picture beside a list of links, inside a sentence, is a hover card (a politician's photo
# and latest stories, shown on mouse-over), not text: the extractor would splice its
# headlines into the sentence ("Rep. Ilhan OmarIlhan OmarHillicon Valley: …").
_CARD_MIN_LINKS = 2
_CARD_MIN_LINK_SHARE = 0.8
# A paragraph with this many links, and this much of its text theirs, is a block of links to
# other stories: what is left is labels and separators ("[VIDEO] |"). Prose that links its
# names and sources stays far below.
_LINK_BLOCK_MIN_LINKS = 2
_LINK_BLOCK_SHARE = 0.7
# A list item whose text is this much link text is a link to another story.
_LINK_ITEM_SHARE = 0.9
# Paragraphs that promote something else: another story ("Read more: …", "Also on rt.com …"),
# the site's newsletter, subscriptions ("… Click here for more information.") or accounts.
# Quoted as an answer, they would put another story's headline in this article's mouth.
# Only short paragraphs qualify, so a reported sentence that happens to open with
# "Related:" stays.
_PROMOTION_MAX_WORDS = 20
_PROMOTION = re.compile(
    r"""^(?:
        (?:read|see|watch|listen|also\ read|read\ more|see\ more|see\ also|more|related
           (?:\ (?:post|posts|story|stories|article|articles|coverage|reading|content))?
           |you\ may\ also\ like|you\ might\ also\ like|further\ reading|don['’]t\ miss)\s*:
      | also\ on\ [\w-]+(?:\.[\w-]+)+\b
      | like\ this\ (?:story|article)\?
      | follow\ .{0,80}\bon\ (?:facebook|twitter|instagram|x|youtube|tiktok)\b
      | (?:.{0,80}\b)?(?:subscrib(?:e|ing)|sign(?:ing)?\ up)\b.{0,80}\bnewsletters?\b
      | (?:.{0,120}\b)?click\ here\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# The page's own labels, standing alone where a widget was: a short paragraph joins the
# passage before it, so "Comments" would otherwise end a quote.
_LABELS = frozenset(
    {
        "advertisement", "advertising", "sponsored", "sponsored content", "comments", "comment",
        "leave a comment", "tell us what you think", "tags", "share", "share this",
        "share this article", "share this story", "print", "email", "related", "related stories",
        "related articles", "more stories", "most read", "most popular", "trending",
        "recommended", "don't miss", "story continues below", "story continues below gallery",
        "story continues below advertisement", "article continues below", "continue reading below",
        "staff report", "staff reports", "from staff reports",
    }
)  # fmt: skip
# A picture's credit standing where the picture was ("Main image credit: Getty").
_CREDIT = re.compile(
    r"(?:(?:main|top|lead|featured)\s+)?(?:image|photo|picture)s?\s+credits?\s*:", re.IGNORECASE
)
# A paragraph that is only an email address, a handle or a social profile: the reporter's
# contact details. (A bare web address stays: it can be what the story is about.)
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w+"
    r"|(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|tiktok|threads)\.(?:com|net)/\S+"
)
# Who reported and edited the story, and how to reach them: "Reporting by Rodrigo Campos;
# Editing by Nick Zieminski" (Reuters), "Keith Bradsher contributed reporting from Hong
# Kong." (The New York Times), "Have a tip? Amy Kuperinsky may be reached at …", "More AP
# NBA: https://…". Up to this many words: wire credits name several people. A sentence that
# opens "Reporting by the Post showed…" is not a credit: a credit lists names, split by
# semicolons, or goes on to who edited it. Nor is "the island can be reached by ferry": a
# contact line gives an address, a handle or a number.
_CREDIT_LINE_MAX_WORDS = 40
_CREDIT_LINE = re.compile(
    r"""(?:
        ^(?:additional\ )?reporting\ by\b[^.]*(?:;|\bedit(?:ing|ed)\ by\b)
      | ^(?:editing|edited|writing)\ by\b
      | \bcontributed\ (?:reporting|to\ this\ (?:report|story|article))\b
      | \b(?:may|can)\ be\ reached\ (?:at|on|by)\b(?=.*(?:@|https?://|\d{3}))
      | ^reach\ the\ reporters?\b
      | ^more\ ap\b[^:]{0,40}:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# The page's own time stamp standing as a paragraph ("Updated at 1:23 p.m."): the date is
# kept with the article's metadata.
_STAMP = re.compile(r"(?:last\s+)?(?:updated|published|posted|modified)\b(?=.*\d)", re.IGNORECASE)
_STAMP_MAX_WORDS = 8
# One extraction at a time, process-wide. trafilatura parses every page with one module-level
# lxml parser, and two threads inside it at once corrupt libxml2's memory: the process dies
# ("double free or corruption", SIGSEGV) with no Python traceback. Reproduced here with eight
# threads over the dev pages, and reported upstream (trafilatura issues 840 and 925). Links
# are read in worker threads, so without this lock two people sending links at the same
# moment could take the whole bot down. Extraction is tens of milliseconds of CPU, so
# queueing costs little on a machine with a couple of cores.
_EXTRACTING = threading.Lock()
# "Click To Tweet" boxes (WordPress's Social Warfare and Better Click To Tweet plugins) set a
# sentence of the article apart with a button: the sentence is text, the button is not, and
# left in it would end the sentence ("…offline business.Click To Tweet").
_TWEET_BUTTONS = "//*[contains(concat(' ', normalize-space(@class), ' '), 'ctt-btn ')]"
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ")
_DOMAIN_ENDINGS = ("", "com", "net", "org", "couk", "comau", "news")
# A first paragraph this short, without end punctuation, that shares this share of its
# words with the title and of the title's words with it, is the headline in other words.
_HEADLINE_MAX_WORDS = 25
_HEADLINE_SHARE = 0.75
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_page(body: bytes, declared: str | None = None) -> str:
    """The page as text: its byte-order mark, else the first of the server's and the page's
    declared charsets that decodes it without error, else the charset the bytes look like.

    Declarations lie (a cp1251 page labelled utf-8 is common), hence strict decoding and the
    detector as the last word rather than trusting the label with errors replaced.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    meta = _META_CHARSET.search(body[:4096])
    labels = [declared, meta.group(1).decode("ascii", "ignore") if meta else None, "utf-8"]
    for label in labels:
        if not label:
            continue
        try:
            return body.decode(codecs.lookup(label).name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", errors="replace")


def extract_article(html: str, url: str | None = None) -> Draft | None:
    """The article in `html`, or None when the page holds no article text. Thread-safe."""
    with _EXTRACTING:
        try:
            return _extract_article(html, url)
        except Exception:
            # A page that trips the extractor itself (lxml and trafilatura meet every kind
            # of broken HTML) is, to the person who sent it, a page without an article.
            log.exception("Extracting the article from %s failed", url or "a page")
            return None


def _extract_article(html: str, url: str | None) -> Draft | None:
    tree = load_html(html)
    if tree is None:
        return None
    _lift_embedded_posts(tree)
    _drop_hover_cards(tree)
    for button in tree.xpath(_TWEET_BUTTONS):
        button.drop_tree()
    _drop_link_lists(tree)
    _drop_link_paragraphs(tree)
    _drop_teasers(tree)
    # Precision first: on real news pages (bench/extraction.py) it drops newsletter boxes
    # and related-story lists that the defaults keep, at almost no cost in recall.
    doc = _extract(tree, url, favor_precision=True)
    if doc is None:
        # Short or unusual pages: a second pass that keeps more of what it is unsure of.
        doc = _extract(tree, url, favor_recall=True)
    if doc is None:
        return None
    publisher = plain_title(doc.sitename or "")
    title = _without_site_name(plain_title(doc.title or ""), publisher)
    return Draft(
        text=_without_page_furniture(_without_headline(clean_text(doc.text or ""), title)),
        title=title,
        url=doc.url or url,
        publisher=publisher or None,
        author=plain_title(doc.author or "") or None,
        published=checked_date(doc.date, html, url),
        language=doc.language or None,
    )


def _lift_embedded_posts(tree: HtmlElement) -> None:
    for post in tree.xpath(_EMBEDDED_POSTS):
        wrapper = post.getparent()
        while (
            wrapper is not None
            and wrapper.getparent() is not None
            and not (wrapper.text or "").strip()
            and all(
                (child is post or child.tag == "script") and not (child.tail or "").strip()
                for child in wrapper
            )
        ):
            outer = wrapper.getparent()
            post.tail = wrapper.tail
            outer.replace(wrapper, post)
            wrapper = outer


def _drop_hover_cards(tree: HtmlElement) -> None:
    cards: dict[HtmlElement, None] = {}  # found first, dropped after: a card may hold several pictures
    for image in tree.xpath("//p//img"):
        card = image.getparent()
        while card is not None and card.tag != "p":
            if len(card.xpath(".//a")) >= _CARD_MIN_LINKS:
                if _link_share(card) >= _CARD_MIN_LINK_SHARE:
                    cards[card] = None
                break
            card = card.getparent()
    for card in cards:
        if card.getparent() is not None and all(a not in cards for a in card.iterancestors()):
            card.drop_tree()  # keeps its tail: the sentence goes on after the card


def _drop_teasers(tree: HtmlElement) -> None:
    # A link wrapped around a headline (and often a picture) is a teaser for another story:
    # "You may also be interested in…" blocks that sit inside the article's container.
    for teaser in tree.xpath("//a[.//h1 or .//h2 or .//h3 or .//h4 or .//h5 or .//h6]"):
        if teaser.getparent() is not None:
            teaser.drop_tree()


def _drop_link_lists(tree: HtmlElement) -> None:
    # A list whose every item is only a link is a list of other stories ("15 Amazing
    # Images of Stars", "Photos: Europa, Mysterious Icy Moon of Jupiter"), not text.
    for listing in tree.xpath("//ul|//ol"):
        items = listing.xpath("./li")
        if (
            len(items) >= 2
            and listing.getparent() is not None
            and all(_link_share(item) >= _LINK_ITEM_SHARE for item in items)
        ):
            listing.drop_tree()


def _drop_link_paragraphs(tree: HtmlElement) -> None:
    # A paragraph of several links and little else is a block of other stories' headlines
    # ("DON'T MISS", then three headlines split by line breaks), not text.
    for paragraph in tree.xpath("//p"):
        if (
            len(paragraph.xpath(".//a")) >= _LINK_BLOCK_MIN_LINKS
            and paragraph.getparent() is not None
            and _link_share(paragraph) >= _LINK_BLOCK_SHARE
        ):
            paragraph.drop_tree()


def _link_share(element: HtmlElement) -> float:
    """How much of the element's text is link text (0 for an element without text)."""
    text = len(element.text_content().strip())
    linked = sum(len(link.text_content().strip()) for link in element.xpath(".//a"))
    return linked / text if text else 0.0


def _without_page_furniture(text: str) -> str:
    return "\n\n".join(paragraph for paragraph in text.split("\n\n") if not _is_furniture(paragraph))


def _is_furniture(paragraph: str) -> bool:
    n = word_count(paragraph)
    if n <= _CREDIT_LINE_MAX_WORDS and _CREDIT_LINE.search(paragraph.strip()):
        return True
    if n > _PROMOTION_MAX_WORDS:
        return False
    label = paragraph.strip().rstrip(".:…!").strip().casefold().replace("’", "'")
    return (
        bool(_PROMOTION.match(paragraph))
        or label in _LABELS
        or bool(_CONTACT.fullmatch(paragraph.strip()))
        or (n <= _STAMP_MAX_WORDS and bool(_STAMP.match(paragraph) or _CREDIT.match(paragraph)))
    )


def _extract(
    tree: HtmlElement, url: str | None, favor_precision: bool = False, favor_recall: bool = False
) -> Document | None:
    # trafilatura works on its own copy of the tree, so both passes start from the same page.
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,  # tables in news are results, polls and figures: content
        favor_precision=favor_precision,
        favor_recall=favor_recall,
    )
    if not isinstance(doc, Document) or not doc.text:
        return None
    if word_count(doc.text) < MIN_ARTICLE_WORDS:
        return None
    return doc


def _without_site_name(title: str, publisher: str) -> str:
    """The title without the site's name that pages append or prepend ("Clymer workshop
    manual review | MoreBikes"): answers name the publisher beside the title already."""
    site = _letters(publisher)
    if not site:
        return title
    name = re.escape(publisher)
    for separator in map(re.escape, (*_TITLE_SEPARATORS, ": ")):
        signed = re.fullmatch(f"{name}{separator}(.+)|(.+){separator}{name}", title, re.IGNORECASE)
        if signed and (signed[1] or signed[2]).strip():
            return (signed[1] or signed[2]).strip()
    # The name the title carries may differ from the publisher's: "SpaceNews.com" for
    # "SpaceNews"; and at the end, where sites sign their titles, a short form of it:
    # "Inexhibit" for "Inexhibit magazine".
    for separator in _TITLE_SEPARATORS:
        head, sep, tail = title.rpartition(separator)
        if sep and _letters(head) and _same_site(_letters(tail), site, short_form=True):
            return head.strip()
        head, sep, tail = title.partition(separator)
        if sep and _letters(tail) and _same_site(_letters(head), site):
            return tail.strip()
    return title


def _same_site(name: str, site: str, short_form: bool = False) -> bool:
    if len(name) < 3:
        return False
    if short_form and site.startswith(name) and 2 * len(name) >= len(site):
        return True
    return name.startswith(site) and name[len(site) :] in _DOMAIN_ENDINGS


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _without_headline(text: str, title: str) -> str:
    # The page's headline usually opens the extracted text; it is the title, not a passage.
    # The title is often a variant of it ("Sweden drops Assange rape investigation" above
    # "Julian Assange: Sweden drops rape investigation"): a short, unpunctuated first
    # paragraph that shares most of its words with the title, both ways, is the headline too.
    first, sep, rest = text.partition("\n\n")
    if sep and title and _is_headline(first, title):
        text = rest
    # The headline word for word, further down: after the opening paragraph on CNN's pages,
    # or after a section label ("Review").
    return "\n\n".join(p for p in text.split("\n\n") if _as_line(p) != _as_line(title))


def _as_line(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_headline(paragraph: str, title: str) -> bool:
    if _as_line(paragraph) == _as_line(title):
        return True
    said, titled = set(words(paragraph)), set(words(title))
    if len(said) < 2 or len(said) > _HEADLINE_MAX_WORDS or paragraph.endswith((".", "!", "?", "…", ":")):
        return False
    shared = len(said & titled)
    return shared >= _HEADLINE_SHARE * len(said) and shared >= _HEADLINE_SHARE * len(titled)


def plain_title(title: str) -> str:
    """A title as one line of plain text of bounded length (markup stays literal)."""
    title = " ".join(clean_text(title).split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title
