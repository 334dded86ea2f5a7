"""Slips of the keyboard in a question, read as the archive's own words.

"plauge china" finds nothing by its words and little by its meaning: the sentence encoder
cuts an unknown word into meaningless pieces, and the keyword search has no such word. So a
word that no stored passage holds, and that is no word in common use, is replaced by the
one-slip variant of it that the most passages hold. The slips that typing makes most are
tried on any word (`slips`, about four per letter, each one indexed look-up), any other
one-letter slip only where it makes a word in common use (`edits`): a question about what
the archive has never heard of ("Portline") pays a few milliseconds and keeps its words,
since none of theirs is one slip from a stored word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Shorter words are one slip from too many others ("bank", "back", "bake").
MIN_LETTERS = 5
# Of the variants of a word, the one more passages hold is meant; beyond this many, the
# counting is not worth its time.
COUNT_UP_TO = 200
# Slips are few. A question with more words than this that neither the archive nor the
# model knows is in other words than the archive's (another language, a field it has not
# read about): guessing at each would be slow and wrong.
MAX_UNSEEN = 3
_WORD = re.compile(r"[^\W\d_]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# The keys beside each key in its row of a QWERTY keyboard: where a finger slips to.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_BESIDE = {row[i]: row[max(0, i - 1) : i] + row[i + 1 : i + 2] for row in _ROWS for i in range(len(row))}
# Spellings that sound alike, which a name heard rather than read is typed with: Russian
# names transliterated ("Gerasimof", "Aleksei"/"Alexei", "Shoygu"), "Nicolas"/"Nikolas",
# "Stefan"/"Stephan", "Zelenskiy"/"Zelenskyy".
_SOUNDS: tuple[tuple[str, str], ...] = (
    *(("f", "v"), ("v", "f"), ("c", "k"), ("k", "c"), ("s", "z"), ("z", "s"), ("i", "y"), ("y", "i")),
    *(("ph", "f"), ("f", "ph"), ("ks", "x"), ("x", "ks")),
)


def slips(word: str) -> list[str]:
    """What `word` may have been meant as, in this order: two neighbouring letters swapped
    back ("plauge" -> "plague"), a letter doubled where one was typed ("droped" ->
    "dropped"), a letter typed twice typed once ("sweeden" -> "sweden"), a letter put back
    where the key beside it was hit ("plsgue" -> "plague"), a spelling that sounds the same
    ("gerasimof" -> "gerasimov", `_SOUNDS`); never `word` itself. The first letter stays: it
    is the one people get right.

    Any letter dropped, added or changed is tried only where it makes a word in common use
    (`edits`): a name the archive lacks is often a longer name of its own ("Californians"),
    which dropping a letter reads as another ("Californias"), and each such edit would cost
    25 look-ups per letter (docs/relevance.md)."""
    swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)]
    doubled = [word[: i + 1] + word[i] + word[i + 1 :] for i in range(len(word))]
    undoubled = [word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]]
    beside = [word[:i] + key + word[i + 1 :] for i in range(1, len(word)) for key in _BESIDE.get(word[i], "")]
    sounds = [
        word[:i] + said + word[i + len(spelt) :]
        for spelt, said in _SOUNDS
        for i in range(1, len(word))
        if word.startswith(spelt, i)
    ]
    return [w for w in dict.fromkeys(swapped + doubled + undoubled + beside + sounds) if w != word]


def read_as(
    question: str, passages_holding: Callable[[str, int], int], knows_word: Callable[[str], bool]
) -> str | None:
    """The question with each word that no passage holds replaced by its likeliest meaning
    (of its `slips` and `edits`, the one most passages hold), or None when no word was
    replaced.
    `passages_holding(word, up_to)` counts the passages that hold a word, up to `up_to`;
    `knows_word(word)`: whether the word is in common use (`Encoder.knows_word`), and so
    no slip, even where the archive lacks it ("Indiana", "resigned", "quote")."""
    unseen = [
        match
        for match in _WORD.finditer(question)
        if len(match.group(0)) >= MIN_LETTERS
        and not knows_word(match.group(0))
        and not passages_holding(match.group(0).lower(), 1)
    ]
    if len(unseen) > MAX_UNSEEN:
        return None
    replaced = False
    pieces: list[str] = []
    last = 0
    for match in unseen:
        word = match.group(0)
        # A typing slip is likelier than any other edit: "kidnapper" is the archive's
        # "kidnaper", not its "kidnapped", however many passages hold that.
        meant = _most_held(slips(word.lower()), passages_holding, knows_word) or _most_held(
            [w for w in edits(word.lower()) if knows_word(w)], passages_holding, knows_word
        )
        if meant is None:
            continue
        pieces += [question[last : match.start()], _in_case_of(word, meant)]
        last = match.end()
        replaced = True
    return "".join([*pieces, question[last:]]) if replaced else None


def _most_held(
    variants: list[str], passages_holding: Callable[[str, int], int], knows_word: Callable[[str], bool]
) -> str | None:
    """The variant most passages hold; among those held past the count's cap, a word in
    common use before another archive's slip ("government", not "governent")."""
    held = [(passages_holding(v, COUNT_UP_TO), knows_word(v), v) for v in dict.fromkeys(variants)]
    count, _, meant = max(held, key=lambda found: found[:2], default=(0, False, ""))
    return meant if count else None


def edits(word: str) -> list[str]:
    """Every string one letter added, dropped or changed away from `word`, the first letter
    kept: some fifty per letter, too many to look up in the archive, and most of them no
    words. Of these, only words the model knows in common use are meant ("goverment" ->
    "government", "plagie" -> "plague"); a name is read by `slips` alone."""
    inserted = [word[:i] + c + word[i:] for i in range(1, len(word) + 1) for c in _LETTERS]
    dropped = [word[:i] + word[i + 1 :] for i in range(1, len(word))]
    changed = [word[:i] + c + word[i + 1 :] for i in range(1, len(word)) for c in _LETTERS if c != word[i]]
    return inserted + dropped + changed


def _in_case_of(original: str, word: str) -> str:
    if original.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if original[:1].isupper() else word
