"""Questions that ask "who is X?", answered by the passage that introduces X.

News names a person in full, with what they are, the first time it mentions them
("Russia's Chief of the General Staff Valery Gerasimov"), and by surname alone after that
("Gerasimov had informed Brown about Russian military drills"). The later mentions are
often closer in meaning to a question that is only a name, so the sentence encoder ranks
them first; the first one in full is the answer.
"""

from __future__ import annotations

import re

from retrieval.search import STOPWORDS
from retrieval.text import without_accents, words

# "Who is Valery Gerasimov?", "who's gerasimov", "Who was Harold Bornstein", "What does
# Doug Cooke do?": a name and nothing more. "Who is the new Star Trek director?" asks for a
# name instead, and "What did Noem do?" for what she did.
_ASKS_WHO_IS = re.compile(
    r"^\W*(?:who(?:\s+is|\s+was|\s*['’]s)\s+(?P<name>[^?!.]+?)|what\s+does\s+(?P<does>[^?!.]+?)\s+do)\W*$",
    re.IGNORECASE,
)
MAX_NAME_WORDS = 4
# Said after the name, not part of it: "who is Gerasimov again?"
_AFTER_NAME = frozenset({"again", "exactly", "anyway", "actually"})


def asks_who_is(question: str) -> tuple[str, ...] | None:
    """The name a "who is X?" question asks about, in lower case, or None for any other."""
    m = _ASKS_WHO_IS.match(question)
    if m is None:
        return None
    name = tuple(words(without_accents(m["name"] or m["does"])))
    while name and name[-1] in _AFTER_NAME:
        name = name[:-1]
    if not 1 <= len(name) <= MAX_NAME_WORDS or any(w in STOPWORDS for w in name):
        return None
    return name


def mentions(name: tuple[str, ...], text: str) -> bool:
    """Whether the text names the person (by surname, as news does after the first time),
    accents or none: "Weizsacker" is "Weizsäcker"."""
    return _surname(name).search(without_accents(text)) is not None


def introduction(name: tuple[str, ...], article: str) -> int | None:
    """Where the article first names the person in full (or, when it never does, at all)."""
    article = without_accents(article)
    if len(name) > 1:
        full = re.compile(r"\b" + r"[\s-]+".join(map(re.escape, name)) + r"\b", re.IGNORECASE)
        if (m := full.search(article)) is not None:
            return m.start()
    else:
        # Asked by surname: its first mention after a capitalised word that is not a function
        # word is the full name ("Valery Gerasimov", "Lt. Matt Harris", not "While Harris").
        for m in _after_capital(name).finditer(article):
            if m[1].lower() not in STOPWORDS:
                return m.start(2)
    m = _surname(name).search(article)
    return None if m is None else m.start()


def _surname(name: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name[-1])}\b", re.IGNORECASE)


def _after_capital(name: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b([A-Z][\w'’.-]*)\s+((?i:{re.escape(name[-1])}))\b")
