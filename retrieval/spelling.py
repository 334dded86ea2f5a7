"""Slips of the keyboard in a question, read as the archive's own words.

"plauge china" finds nothing by its words and little by its meaning: the sentence encoder
cuts an unknown word into meaningless pieces, and the keyword search has no such word. So a
word that no stored passage holds is replaced by the one-slip variant of it that the most
passages hold. Only the slips that typing makes most (two letters swapped, a letter typed
twice, a doubled letter typed once) are tried, about two per letter of the word, each one
indexed look-up: a question about what the archive has never heard of ("Portline") pays a
millisecond or two and keeps its words, since none of theirs is one slip from a stored word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Shorter words are one slip from too many others ("bank", "back", "bake").
MIN_LETTERS = 5
# Of the variants of a word, the one more passages hold is meant; beyond this many, the
# counting is not worth its time.
COUNT_UP_TO = 200
_WORD = re.compile(r"[^\W\d_]+")


def slips(word: str) -> list[str]:
    """What `word` may have been meant as, in this order: two neighbouring letters swapped
    back ("plauge" -> "plague"), a letter doubled where one was typed ("droped" ->
    "dropped"), a letter typed twice typed once ("sweeden" -> "sweden"); never `word`
    itself. The first letter stays: it is the one people get right.

    Not any letter dropped: a word the archive lacks is often a longer word of its own
    ("Indiana", "Notre", "resigned"), which dropping a letter would read as another
    ("Indian", "Note", "reigned")."""
    swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)]
    doubled = [word[: i + 1] + word[i] + word[i + 1 :] for i in range(len(word))]
    undoubled = [word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]]
    return [w for w in dict.fromkeys(swapped + doubled + undoubled) if w != word]


def read_as(question: str, passages_holding: Callable[[str, int], int]) -> str | None:
    """The question with each word that no passage holds replaced by its likeliest meaning
    (`slips`, the one most passages hold), or None when no word was replaced.
    `passages_holding(word, up_to)` counts the passages that hold a word, up to `up_to`."""
    replaced = False
    pieces: list[str] = []
    last = 0
    for match in _WORD.finditer(question):
        word = match.group(0)
        if len(word) < MIN_LETTERS or passages_holding(word.lower(), 1):
            continue
        held = [(passages_holding(s, COUNT_UP_TO), s) for s in slips(word.lower())]
        count, meant = max(held, key=lambda pair: pair[0], default=(0, ""))
        if not count:
            continue
        pieces += [question[last : match.start()], _in_case_of(word, meant)]
        last = match.end()
        replaced = True
    return "".join([*pieces, question[last:]]) if replaced else None


def _in_case_of(original: str, word: str) -> str:
    if original.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if original[:1].isupper() else word
