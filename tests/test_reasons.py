"""Questions that ask for a reason, and which text states one."""

import pytest

from retrieval.reasons import asks_why, states_reason
from retrieval.search import highlight_span


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Why did oil prices drop sharply?", True),
        ("why were trains suspended", True),
        ("How come the bridge is closed?", True),
        ("What may have sparked the stabbing?", True),
        ("What caused the blackout in Madrid?", True),
        ("What was the reason for the delay?", True),
        ("When were trains suspended?", False),
        ("What did the minister say about the strike?", False),
        ("Who led the talks?", False),  # "led", but not "what led"
    ],
)
def test_asks_why(question: str, asks: bool) -> None:
    assert asks_why(question) is asks


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Oil fell after sources told Reuters that Russia is unlikely to cut output.", True),
        ("The match was called off because of the storm.", True),
        ("This information was given with the goal of preventing possible incidents.", True),
        ("Flights were grounded amid fears of more ash.", True),
        ("The company suspended all services on its coastal line on Thursday.", False),
        ("Afterwards, the mayor thanked the volunteers.", False),  # a word, not "after"
        ("The listing ceremony is due to be held at the exchange next Tuesday.", False),
        ("Talks are due to start in Geneva on Monday.", False),
        ("The flight was cancelled due to the fog.", True),
        ("He missed the vote due to work commitments.", True),
        ("The office shut due to end-of-year closures.", True),
        ("She was quarantined due to close contact with a patient.", True),
    ],
)
def test_states_reason(text: str, states: bool) -> None:
    assert states_reason(text) is states


def test_a_why_questions_highlight_is_the_sentence_that_gives_the_cause() -> None:
    passage = (
        "Northern Valley Rail suspended all services on its coastal line on Thursday. "
        "The company halted the trains after engineers found a crack in a rail near the viaduct."
    )
    start, end = highlight_span("Why did Northern Valley Rail suspend its coastal line?", passage)
    assert passage[start:end].startswith("The company halted the trains")
    start, end = highlight_span("When did Northern Valley Rail suspend its coastal line?", passage)
    assert passage[start:end].startswith("Northern Valley Rail suspended")
