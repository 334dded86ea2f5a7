"""A page's publication date, as the page writes it.

trafilatura reads the date with htmldate, which completes a partial one. "2024-05" in a
page's metadata comes back as the 27th of May when it is read on the 27th of any month
(dateutil fills the missing day, and a missing month, from today's date), and a year alone
can come back as 1 January. Under a quote, such a day is made up, and a made-up date that
looks recent misleads more than none. So a date that could have been completed that way is
kept only when the page or its address writes that very day out.
"""

from __future__ import annotations

import re
from datetime import date


def checked_date(found: str | None, html: str, url: str | None, today: date | None = None) -> str | None:
    """`found` (an ISO date the extractor read from the page), or None when its day may have
    been filled in rather than read."""
    if not found:
        return None
    try:
        day = date.fromisoformat(found)
    except ValueError:
        return None
    today = today or date.today()
    if day.day != today.day and (day.month, day.day) != (1, 1):
        return found  # a day that no completion gives: read from the page
    return found if _writes(day, html) or _writes(day, url or "") else None


def _writes(day: date, text: str) -> bool:
    """Whether `text` writes out the day: in figures ("2024-05-17", "17.05.2024",
    "5/17/2024", "20240517") or with the month in words, in any language ("May 17, 2024",
    "17 May 2024", "25. September 2018", "5 de diciembre de 2024")."""
    y, m, d = day.year, day.month, day.day
    figures = (
        rf"(?<!\d)(?:{y}[-/.]0?{m}[-/.]0?{d}|0?{d}[-/.]0?{m}[-/.]{y}|0?{m}[-/.]0?{d}[-/.]{y})(?!\d)"
        rf"|(?<!\d){y}{m:02}{d:02}"  # also as the head of a longer number: "201911181077343476"
    )
    in_words = (
        rf"(?<!\d)0?{d}(?:st|nd|rd|th|\.)?\s+(?:[^\W\d_]+\.?,?\s+){{1,3}}{y}(?!\d)"
        rf"|[^\W\d_]+\.?\s+0?{d}(?:st|nd|rd|th)?,?\s+{y}(?!\d)"
    )
    return re.search(f"{figures}|{in_words}", text) is not None
