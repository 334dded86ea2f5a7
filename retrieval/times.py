"""Questions that ask when ("when did ...?", "what year ...?") and the passages that say when.

"When was the fourth Star Trek film greenlit?" is answered by "The fourth Star Trek film was
greenlit in 2016", while the paragraph about the film's plans, in the question's own words,
can be as close in meaning. What tells them apart is a date, a month, a weekday, a year or
a time of day, as a count question's answer is told by its figure (`counts`).
"""

from __future__ import annotations

import re

_ASKS_WHEN = re.compile(
    r"^\W*(?:(?:since|until|till|by)\s+)?when\b|^\W*(?:in\s+|on\s+|at\s+)?what\s+(?:year|date|day|month|time)\b",
    re.IGNORECASE,
)
# Months and weekdays only as names, capitalised: "may" and "march" are verbs too.
_NAMES = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday"
    r"|Saturday|Sunday)\b"
)
# In any case (matched in lower-cased text): a day relative to the story's own date, a
# season, "last week".
_RELATIVE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|spring|summer|autumn|winter"
    r"|(?:last|next|this|earlier this|later this)\s+(?:week|weekend|month|year|fall)s?)\b"
)
# Runs of figures, each then read in Python: a pattern that opens with a look behind is
# tried at every position of the text, four times the cost.
_FIGURES = re.compile(r"\d[\d,.:]*")
_HOUR = re.compile(r"\d{1,2}(?:[:.]\d\d)?")
_MERIDIEM = re.compile(r"\s?[ap]\.?m\b", re.IGNORECASE)
# A line that is only a time of day, perhaps with its weekday and time zone: "10 p.m.",
# "Tuesday 6:45 p.m. PST", "14:32", "noon".
_TIME_OF_DAY = re.compile(
    rf"(?:[A-Z][a-z]+day,?\s+)?(?:{_HOUR.pattern}{_MERIDIEM.pattern}\.?|\d{{1,2}}:\d\d|noon|midnight)"
    r"(?:\s+[A-Z]{2,4})?:?",
    re.IGNORECASE,
)


def asks_when(question: str) -> bool:
    """Whether the question asks for a time."""
    return _ASKS_WHEN.search(question) is not None


def states_time(text: str) -> bool:
    """Whether `text` says when: a date, a month, a weekday, a year, a time of day."""
    return (
        _NAMES.search(text) is not None
        or _RELATIVE.search(text.lower()) is not None
        or any(_is_year_or_hour(text, m) for m in _FIGURES.finditer(text))
    )


def _is_year_or_hour(text: str, run: re.Match[str]) -> bool:
    """Whether a run of figures is a year or decade ("1889", "the 1990s"), not part of a
    longer figure ("12,019", "2019.50") nor of a word ("A350"), or an hour ("6am",
    "6:30 p.m.", "9.30 A.M.")."""
    start = run.start()
    if start and (text[start - 1].isalnum() or text[start - 1] in ",."):
        return False
    figures = run[0].rstrip(",.:")
    end = start + len(figures)
    if len(figures) == 4 and figures.isdigit() and 1800 <= int(figures) <= 2099:
        after = text[end : end + 2]
        return not after[:1].isalnum() or (after[:1] == "s" and not after[1:2].isalnum())
    return _HOUR.fullmatch(figures) is not None and _MERIDIEM.match(text, end) is not None


def is_time_of_day(line: str) -> bool:
    """Whether `line` is only a time of day ("10 p.m.", "Tuesday 6:45 p.m. PST")."""
    return _TIME_OF_DAY.fullmatch(line.strip()) is not None
