"""Count questions: what they count, and which text gives that count."""

import pytest

from retrieval.counts import counted_words, states_count
from retrieval.search import highlight_span


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many Indian deportees were on the flight?", ("indian", "deportees")),
        ("how much cargo could Starship land?", ("cargo",)),
        ("According to Amnesty, how many protesters were killed?", ("protesters",)),
        ("How many 787-9 Dreamliners did Emirates order?", ("dreamliners",)),
        ("How much did he weigh?", ()),  # no counted word: any figure will do
        ("Who asked for the call?", None),
        ("How did the talks end?", None),
        ("How many?", ()),
    ],
)
def test_counted_words(question: str, counted: tuple[str, ...] | None) -> None:
    assert counted_words(question) == counted


@pytest.mark.parametrize(
    ("counted", "text", "states"),
    [
        (("indian", "deportees"), "Nearly 150 Indians returned home on Wednesday.", True),
        (("new", "vehicles"), "Local dealers sold 30,154 new cars in October.", True),
        (("people",), "Three people have died during the protests.", True),
        (("fatalities",), "In addition to the three fatalities at the plant, 30 were hurt.", True),
        # A figure of something else, or the counted word with no figure before it.
        (("new", "vehicles"), "Fleet sales made up 14.6 percent of all vehicle sales.", False),
        (("deportees",), "The aircraft carrying the deportees landed at 6am.", False),
        (("people",), "One of the people at the scene said nothing.", False),
        ((), "He weighed 243 pounds in February.", True),
        ((), "He declined to say what he weighed.", False),
    ],
)
def test_states_count(counted: tuple[str, ...], text: str, states: bool) -> None:
    assert states_count(counted, text) is states


def test_the_highlight_of_a_count_question_is_the_sentence_that_gives_the_count() -> None:
    passage = (
        "The special aircraft carrying the deportees landed at the Delhi airport at 6am. "
        "These 150 Indians have either violated visa norms or were illegal immigrants."
    )
    start, end = highlight_span("How many Indian deportees landed in Delhi on the special flight?", passage)
    assert (
        passage[start:end] == "These 150 Indians have either violated visa norms or were illegal immigrants."
    )
    # Other questions still get the sentence that shares the most words with them.
    start, end = highlight_span("Where did the special aircraft land?", passage)
    assert passage[start:end].startswith("The special aircraft")
