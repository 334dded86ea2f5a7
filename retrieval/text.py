"""Plain-text hygiene and sentence boundaries.

Everything newsbot quotes is a slice of the text produced by `clean_text`, so the cleaning is
done once, before storage, and never again.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# C0/C1 controls except tab and newline, plus noncharacters: none of them belong in a quote,
# and NUL in particular truncates strings in some SQLite tools and Telegram clients.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_WORD = re.compile(r"\w+")


def clean_text(raw: str) -> str:
    """Normalise article text: one paragraph per block, blocks separated by a blank line.

    A text that already uses blank lines between paragraphs keeps its paragraphs (single
    newlines inside one are hard wraps and become spaces); a text with no blank lines at all
    (what HTML extractors return) gets one paragraph per line.
    """
    text = unicodedata.normalize("NFC", raw)
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text)
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    if any(not line for line in _trim(lines)):
        paragraphs, current = [], []
        for line in lines:
            if line:
                current.append(line)
            elif current:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    else:
        paragraphs = [line for line in lines if line]
    return "\n\n".join(paragraphs)


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph of a `clean_text` result."""
    spans, pos = [], 0
    for block in text.split("\n\n"):
        if block:
            spans.append((pos, pos + len(block)))
        pos += len(block) + 2
    return spans


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# A handle or hashtag runs its words together ("@MattBevin", "#BlackLivesMatter"): a keyword
# index sees one word, "mattbevin", and a question that says "Bevin" misses the tweet.
_TAG = re.compile(r"(?<![\w@#])[@#]([A-Za-z0-9_]{3,})")
_TAG_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def tag_words(text: str) -> list[str]:
    """The words run together in the text's handles and hashtags, where their capitals or
    underscores show where the words meet: "@realDonaldTrump" gives real, Donald, Trump; an
    all-lower-case "#metoo" gives nothing, as no word break can be told in it."""
    found: list[str] = []
    for tag in _TAG.findall(text):
        parts = _TAG_PART.findall(tag)
        if len(parts) > 1:
            found.extend(parts)
    return found


# "U.S.", "U.N.", "D.C.": a keyword index reads single letters, which no question's "US" matches.
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")
# What every such abbreviation holds. A pattern that opens with a fixed character is found
# by a fast scan, and most passages have none: a tenth of the cost of looking for the
# abbreviations themselves, which the coverage check would pay for every candidate.
_DOTTED_HINT = re.compile(r"\.[A-Za-z]\.")


def searchable(text: str) -> str:
    """The text a keyword search should look through: the text, then its tags' words and
    its dotted abbreviations without their dots ("U.S." as US), each once however often it
    recurs (a word's count weighs in BM25)."""
    tags = tag_words(text) if "@" in text or "#" in text else []
    dotted = _DOTTED.findall(text) if _DOTTED_HINT.search(text) else []
    extra = dict.fromkeys([*tags, *(a.replace(".", "") for a in dotted)])
    return f"{text}\n{' '.join(extra)}" if extra else text


def _accent_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):  # Latin-1 Supplement and Latin Extended-A and -B
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code):  # one letter for one: offsets stay true
            table[code] = base
    return table


# The keyword index folds accents (FTS5's remove_diacritics), so "Weizsacker" finds
# "Weizsäcker"; checks of which words a passage holds must fold them alike. They run on
# every candidate passage, most of which have no accented letter: one scan for any (a
# character class, scanned in C) costs a twentieth of translating every character.
_ACCENTS = _accent_table()
_ACCENTED = re.compile("[" + "".join(map(chr, _ACCENTS)) + "]")


def without_accents(text: str) -> str:
    """Latin letters without their accents: "Weizsäcker" -> "Weizsacker", "São" -> "Sao".
    Each letter stays one letter, so a position in the result is one in `text`."""
    return _ACCENTED.sub(lambda m: _ACCENTS[ord(m[0])], text)


# Cached: a search stems the words of every candidate passage, and news repeats its words.
@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem that is enough to match a question's words in a passage: "missiles",
    "missile"; "deportees", "deportee"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:7]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def content_hash(text: str) -> str:
    """Identity of an article's text regardless of spacing, case and punctuation."""
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()


# Tokens that end with a period without ending a sentence. Lower-case, without the final dot.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt sen rep gov pres supt insp st
    mt ft jr sr rev hon amb atty ca approx dept univ inc corp co ltd llc plc bros assn intl
    natl govt vs etc al e.g i.e u.s u.k u.n u.s.a e.u d.c a.m p.m
    """.split()
)
# These are also ordinary words ("she said no."), so they hold a sentence together only
# when a number follows: "No. 5", "Nov. 27".
_NUMBER_ABBREVIATIONS = frozenset(
    """
    no nos vol vols fig figs pp jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)

# A candidate boundary: terminal punctuation, any closing quotes or brackets, then space.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"'“‘«(\[]*)(\w)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_TOKEN_REACH = 100  # longer than any abbreviation or run of initials
_SPACE = re.compile(r"\s+")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets into `text` of the sentences of text[start:end].

    A rule-based splitter: the statistical ones (punkt, spaCy) need model downloads this
    product cannot make, and news prose is regular enough that terminal punctuation plus an
    abbreviation list gets nearly all boundaries right.
    """
    end = len(text) if end is None else end
    segment = text[start:end]
    spans: list[tuple[int, int]] = []
    sentence_start = 0
    for match in _BOUNDARY.finditer(segment):
        if not _ends_sentence(segment, match):
            continue
        cut = match.end()
        if segment[sentence_start:cut].strip():
            spans.append((sentence_start, cut))
        following = _SPACE.match(segment, cut)
        sentence_start = following.end() if following else cut
    if segment[sentence_start:].strip():
        spans.append((sentence_start, len(segment.rstrip())))
    return [(start + a, start + b) for a, b in spans]


def _ends_sentence(segment: str, match: re.Match[str]) -> bool:
    nxt = _NEXT_START.match(segment, match.end())
    if nxt is None:
        return False
    first = nxt.group(2)
    if not (first.isupper() or first.isdigit() or nxt.group(1)):
        return False
    if "\n" in segment[match.end() : nxt.start(2)]:
        return True
    punct = match.group(0)
    if punct[0] != ".":
        return True
    # Only the stretch just before the full stop is searched: from the segment's start,
    # every boundary would rescan all the text before it.
    before = _TOKEN_BEFORE.search(segment, max(0, match.start() - _TOKEN_REACH), match.start())
    if before is None:
        return True
    token = before.group(1).lstrip("\"'“‘(«[").lower()
    if token in _ABBREVIATIONS or (token in _NUMBER_ABBREVIATIONS and first.isdigit()):
        return False
    # Initials ("George W. Bush", "J.J. Abrams"), not a sentence end.
    return _INITIALS.fullmatch(token) is None


_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
