"""Questions that ask what someone said ("What did Noem say about the ads?", "How did the
doctor explain it?") and the passages that report speech.

Such a question names the speaker and the subject, and so does every paragraph around the
answer: the one that describes the ads is as close in meaning as the one where Noem is
quoted on them. The answer reports what was said, in quotation marks or with a verb of
saying, as a count question's answer gives a figure (`counts`).
"""

from __future__ import annotations

import re

_ASKS_WHAT_SAID = re.compile(
    r"^\W*(?:what|how)\s+(?:did|does|do|has|have|had|will|would|is|was)\b.*\b(?:say|says|said|tell|"
    r"told|describe|characteri[sz]e|explain|call|react|respond|assess|comment|think|claim|argue|"
    r"warn|predict)\b",
    re.IGNORECASE,
)
# Matched in lower-cased text, as `reasons` does, for speed: it runs on every candidate.
_REPORTS_SPEECH = re.compile(
    r"[“”\"]|\b(?:said|says|told|tells|described|called|added|according to|stated|explained|wrote|"
    r"tweeted|argued|warned|insisted)\b"
)


def asks_what_said(question: str) -> bool:
    """Whether the question asks what someone said, or how they put it."""
    return _ASKS_WHAT_SAID.search(question) is not None


def reports_speech(text: str) -> bool:
    """Whether `text` quotes someone or reports what they said."""
    return _REPORTS_SPEECH.search(text.lower()) is not None
