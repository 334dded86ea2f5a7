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
# Months and weekdays only as names, capitalised: "may" and "march" are verbs too. The rest
# in any case: a year (not a figure in a longer number), a decade, a time of day, a day
# relative to the story's own date, a season.
_STATES_TIME = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\b"
    r"|(?<![\d,.])\b(?:1[89]|20)\d\d(?:s)?\b(?![,.]\d)"
    r"|\b\d{1,2}(?::\d\d)?\s?(?i:a\.?m|p\.?m)\b"
    r"|(?i:\b(?:yesterday|today|tonight|tomorrow|(?:last|next|this|earlier this|later this)\s+"
    r"(?:week|weekend|month|year|spring|summer|autumn|fall|winter)|(?:spring|summer|autumn|"
    r"winter)\b))"
)


def asks_when(question: str) -> bool:
    """Whether the question asks for a time."""
    return _ASKS_WHEN.search(question) is not None


def states_time(text: str) -> bool:
    """Whether `text` says when: a date, a month, a weekday, a year, a time of day."""
    return _STATES_TIME.search(text) is not None
