"""Figure questions: what they count or price, and which text gives that figure."""

import pytest

from retrieval.counts import CASUALTIES, asks_for_money, counted_words, states_count, states_money
from retrieval.search import highlight_span


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many Indian deportees were on the flight?", ("indian", "deportees")),
        ("how much cargo could Starship land?", ("cargo",)),
        # The dead and hurt are counted in news's words for them, besides the question's.
        ("According to Amnesty, how many protesters were killed?", ("protesters", *CASUALTIES)),
        ("How many people died in the fire?", CASUALTIES),
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
        # The figure at most two words before what it counts.
        (("cars",), "Local dealers sold 30,154 new cars in October.", True),
        (("cars",), "Local dealers sold 30,154 shiny new cars in October.", False),
        # A figure of something else, or the counted word with no figure before it.
        (("new", "vehicles"), "Fleet sales made up 14.6 percent of all vehicle sales.", False),
        (("deportees",), "The aircraft carrying the deportees landed at 6am.", False),
        (("people",), "One of the people at the scene said nothing.", False),
        # A tally updated after what it counts, in the same sentence (not a year).
        (("people",), "The number of people killed in the protests has risen to eleven.", True),
        (("injured", "passengers"), "The count of injured passengers stood at 40 on Monday.", True),
        (("people",), "People came from 2018 to 2019.", False),
        (("people",), "People were angry. Police went to 10 villages.", False),
        (("people",), "The number of people killed has risen from three to eleven.", True),
        # A range is not a tally updated to its second figure.
        (("dreamliners",), "A variant of Boeing's Dreamliner, seating 242 to 330 passengers.", False),
        # A figure in a name does not count; a figure before the name still does.
        (("cases",), "Italy reported new COVID-19 cases on Monday.", False),
        (("cases",), "Italy reported 1,200 new COVID-19 cases on Monday.", True),
        (("jets",), "The air force grounded its F-35 jets.", False),
        (("jets",), "Emirates ordered 50 Airbus A350-900 jets.", True),
        ((), "The G-20 leaders met in Osaka.", False),
        ((), "He weighed 243 pounds in February.", True),
        ((), "He declined to say what he weighed.", False),
    ],
)
def test_states_count(counted: tuple[str, ...], text: str, states: bool) -> None:
    assert states_count(counted, text) is states


FIRE = "How many people died in the fire?"
CRASH = "How many US soldiers died in the helicopter crash?"


@pytest.mark.parametrize(
    ("question", "text", "states"),
    [
        (FIRE, "The fire service said there had been four deaths.", True),
        (FIRE, "Three people have died in the clashes.", True),
        (FIRE, "Eleven people were killed and 30 injured.", True),
        (FIRE, "More than 2.5 million of these deaths were in India.", True),
        # The subject of "have been killed", a few words before it.
        (FIRE, "Two United States service members have been killed in a helicopter crash.", True),
        (FIRE, "Four members of the same family died in the blaze.", True),
        # Figures of people, but not of the dead or hurt.
        (FIRE, "About 200 people living nearby were evacuated.", False),
        (FIRE, "Some 3,000 people marched to mourn the dead.", False),
        (FIRE, "Two hundred people were evacuated after the fire killed a firefighter.", False),
        ("How many people died of COVID-19 in Italy?", "COVID-19 deaths rose in Lombardy.", False),
        ("How many people died of COVID-19 in Italy?", "Lombardy reported 12 new COVID-19 deaths.", True),
        # The dead that a question names: counted dead, not counted.
        (CRASH, "Two United States service members have been killed in a helicopter crash.", True),
        (CRASH, "At least 106 soldiers in 21 cities have been killed.", True),
        (CRASH, "Roughly 13,000 US troops remain in Afghanistan.", False),
        (CRASH, "About 5,000 US soldiers are based at the airfield.", False),
    ],
)
def test_a_question_about_the_dead_counts_the_dead(question: str, text: str, states: bool) -> None:
    counted = counted_words(question)
    assert counted is not None and states_count(counted, text) is states


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


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How much do tickets cost for the tour?", True),
        ("What starting price did Tesla announce for the Cybertruck?", True),
        ("What is the price of a ticket?", True),
        ("How much venture funding has the startup raised?", True),
        ("How much did Portline raise?", True),
        ("How much did Portline raise in its listing?", True),
        ("How much money did the appeal bring in?", True),
        ("What does a season pass cost?", True),
        ("What did the Banksy painting sell for at auction?", True),
        ("How much does the 16-inch MacBook Pro retail for?", True),
        # A thing and its price, as typed into a search box.
        ("Bitcoin price?", True),
        ("cost of a Big Mac", True),
        ("Oil prices?", False),  # the news about them
        ("Why price rises?", False),  # a cause
        # A figure, but not a sum of money.
        ("How much did he weigh?", False),
        ("How much did online sales grow in the third quarter?", False),
        ("How much did the central bank raise rates?", False),
        # By how much a price changed: news gives that in per cent as often as in money.
        ("How much did oil prices rise on Monday?", False),
        ("How much did they raise the fare by?", False),
        ("How much will ticket prices go up?", False),
        ("How many protesters died in the fuel price protests?", False),
        ("What costs rose the most?", False),
        ("What did the company sell to pay its debts?", False),
    ],
)
def test_asks_for_money(question: str, asks: bool) -> None:
    assert asks_for_money(question) is asks


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("The deal could raise up to $12.9bn if the option is exercised.", True),
        ("The minimum raise of HK$88 billion makes it the year's biggest listing.", True),
        ("A session costs Rs 299 for 15 minutes.", True),
        ("The fine was 3 million euros.", True),
        ("The repairs cost half a million dollars.", True),
        ("Fans paid thousands of pounds for the seats.", True),
        ("Entry is free for children.", True),
        ("Tickets go on sale on Friday, Dec. 6 at 10am.", False),
        ("The 2020 tour takes in 30 cities.", False),
    ],
)
def test_states_money(text: str, states: bool) -> None:
    assert states_money(text) is states
