"""Questions that ask for a reason ("why ...?", "what sparked ...?") and the passages that
state one.

"Why did oil prices drop?" is answered by "Oil fell after sources told Reuters that Russia is
unlikely to agree to cut its output", not by the paragraph that reports the drop in the
question's own words, which the sentence encoder finds closer. What tells them apart is a
word of cause, as a count question's answer is told by its figure (`counts`).
"""

from __future__ import annotations

import re

_ASKS_WHY = re.compile(
    r"^\W*(?:why\b|how come\b|for what reason\b"
    r"|what\s+(?:(?:is|was|were|are)\s+the\s+reasons?\b"
    r"|(?:may|might|could)\s+have\s+(?:caused|led|sparked|prompted|triggered)\b"
    r"|(?:caused|led|sparked|prompted|triggered|drove|made)\b))",
    re.IGNORECASE,
)
# "Due to" before a verb schedules, it gives no cause: "the ceremony is due to be held next
# Tuesday", "talks are due to start". A cause follows it as a noun phrase ("due to the fog",
# "due to work commitments"), so only verbs that seldom open one are listed: not "close"
# ("due to close contact"), "open", "present", "rule", "travel", "launch" or "face".
_SCHEDULED = (
    "be|begin|start|arrive|meet|take|hold|resume|expire|appear|leave|sign|testify|visit|vote|"
    "speak|attend|deliver|announce|publish|come|go|make|give|hear|retire|play|fly|finish|end|"
    "return|decide|unveil"
)
# How English, and news English above all, states a cause or a purpose. "After" and "amid"
# are time words too, but "X fell after Y" is the way news says that Y made X fall; "as" and
# "so" are left out, being far more often neither. Matched in lower-cased text: it runs on
# every candidate passage of a "why" question, and case-blind matching is three times slower.
_STATES_REASON = re.compile(
    rf"\b(?:because|due to(?!\s+(?:{_SCHEDULED})\b(?!-))|owing to|thanks to|as a result|"
    r"caused by|led to|sparked|prompted|triggered|blamed|citing|reasons?|in order to|"
    r"so that|so as to|aimed at|in an effort to|in a bid to|"
    r"with the (?:aim|goal|purpose|intention) of|for fear|over concerns?|after|amid|since)\b"
)


def asks_why(question: str) -> bool:
    """Whether the question asks for a reason."""
    return _ASKS_WHY.search(question) is not None


def states_reason(text: str) -> bool:
    """Whether `text` has a word that states a cause or a purpose."""
    return _STATES_REASON.search(text.lower()) is not None
