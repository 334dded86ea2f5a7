"""Questions that ask when, and which text says when."""

import pytest

from retrieval.times import asks_when, is_time_of_day, states_time


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("When was the fourth Star Trek film greenlit?", True),
        ("since when has she led the party?", True),
        ("In what year was the house built?", True),
        ("What time does the gala start?", True),
        ("Whenever I ask, who answers?", False),
        ("Who said when the talks would end?", False),  # asks who
        ("What happened at the theatre?", False),
    ],
)
def test_asks_when(question: str, asks: bool) -> None:
    assert asks_when(question) is asks


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Hitler was born in Braunau in 1889.", True),
        ("The gala concert is on 14 March.", True),
        ("Officials met on Tuesday.", True),
        ("The plane landed at 6am.", True),
        ("Tickets go on sale next week.", True),
        ("Growth was fastest in the 1990s.", True),
        # Months that are verbs too count only as names; figures that are no years do not.
        ("Protesters may march on the capital.", False),
        ("The company sold 12,019 cars.", False),
        ("The theatre reopens after a restoration of its ceiling.", False),
    ],
)
def test_states_time(text: str, states: bool) -> None:
    assert states_time(text) is states


@pytest.mark.parametrize(
    ("line", "is_time"),
    [
        ("10 p.m.", True),
        ("Tuesday 6:45 p.m. PST", True),
        ("14:32", True),
        ("At 10 p.m. it was over.", False),
        ("10 people", False),
    ],
)
def test_a_line_that_is_only_a_time_of_day(line: str, is_time: bool) -> None:
    assert is_time_of_day(line) is is_time
