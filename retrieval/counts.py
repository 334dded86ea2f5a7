"""Count questions ("how many ...?") and the passages that state the count asked for.

A count question is answered by a figure in front of what it counts: "How many Indian
deportees arrived?" by "...nearly 150 Indians returned home...", not by the paragraph that
describes the deportees' flight, however close its meaning. The sentence encoder blurs that
difference; this finds it with words alone.
"""

from __future__ import annotations

from retrieval.text import stem, words

# Spelled-out figures as news writes them. Left out: "one" ("one of the...") and "score"
# ("to score goals"), which are seldom counts.
NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds "
    "thousand thousands million millions billion billions".split()
)
# Words that end what a question counts: "How many new vehicles | did dealers sell".
_NOT_COUNTED = frozenset(
    """
    a an the of in on at by for from to with about as is are was were be been being has have
    had do does did will would could should can may might must shall per and or
    """.split()
)
COUNTED_WORDS = 3  # at most this many words after "how many" name what is counted
# A figure counts something when it comes at most this many words before it: "30,154 new
# cars", "106 protesters", "three fatalities" ("30,154" is two words: the figure is "154").
COUNT_REACH = 2


def counted_words(question: str) -> tuple[str, ...] | None:
    """What a "how many" or "how much" question counts ("how many Indian deportees ..." ->
    ("indian", "deportees")); () when it does not say ("how much did he weigh?"); None for
    other questions."""
    ws = words(question)
    for i in range(len(ws) - 1):
        if ws[i] == "how" and ws[i + 1] in ("many", "much"):
            counted = []
            for w in ws[i + 2 : i + 2 + COUNTED_WORDS]:
                if w in _NOT_COUNTED:
                    break
                if not _is_figure(w):  # "How many 787-9 jets": the model number is a name
                    counted.append(w)
            return tuple(counted)
    return None


def states_count(counted: tuple[str, ...], text: str) -> bool:
    """Whether `text` gives a figure for what is counted (any figure, when that is unsaid)."""
    ws = words(text)
    if not counted:
        return any(_is_figure(w) for w in ws)
    wanted = {stem(w) for w in counted}
    return any(
        _is_figure(w) and any(stem(after) in wanted for after in ws[i + 1 : i + 1 + COUNT_REACH])
        for i, w in enumerate(ws)
    )


def _is_figure(word: str) -> bool:
    return word.isdigit() or word in NUMBER_WORDS
