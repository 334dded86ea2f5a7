"""Questions that ask for a figure ("how many ...?", "how much does it cost?") and the
passages that state the figure asked for.

A count question is answered by a figure in front of what it counts: "How many Indian
deportees arrived?" by "...nearly 150 Indians returned home...", not by the paragraph that
describes the deportees' flight, however close its meaning. A price question is answered
only by a sum of money: "How much do tickets cost?" not by "tickets go on sale on Friday".
The sentence encoder blurs both differences; this finds them with words alone.
"""

from __future__ import annotations

import re

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
# Or after it, in the same sentence, when a tally is updated: "the number of people killed in
# the protests has risen to eleven", "injured passengers ... stood at 40". Such a sentence is
# how news reports a count that changed, and the newer report should not lose to an older
# one that gave the earlier figure the usual way round. Not a year: "people ... from 2018 to
# 2019".
_TALLY_REACH = 12
_NUMBER = r"\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))  # lower case
_TALLY = re.compile(rf"\b(?:to|at|reached)\s+({_NUMBER})\b")  # run on lower-cased text
_YEAR = re.compile(r"(?:19|20)\d\d")
# A word that `_is_figure` accepts, found in lower-cased text without splitting it into words.
_FIGURE = re.compile(rf"\b(?:{_NUMBER})\b")
_NEXT_WORD = re.compile(r"\W+(\w+)")
# A figure joined by a hyphen to a name before it is part of the name, not a count: "COVID-19
# cases", "F-35 jets", "A350-900 jets", "the G-20 leaders". Matched in lower-cased text.
_DESIGNATION = re.compile(r"\b[a-z][a-z\d]*(?:-\d+)+\b")
# "seating 242 to 330": the figure before "to" makes it a range, not a tally updated to 330
# ("... has risen from three to eleven" is one).
_RANGE_FROM = re.compile(rf"(?:\bfrom\s+)?\b(?:{_NUMBER})\s+$")
_SENTENCE_END = re.compile(r"[.!?]\s")


# News counts its dead and hurt in other words than a question does: "How many people died
# in the fire?" is answered by "there had been four deaths" or "three people have died", not
# by "about 200 people were evacuated", which a figure before "people" would pick. A count
# question about them counts these words instead of "people", up to three words after the
# figure ("11 people were killed").
_ASKS_CASUALTIES = frozenset(
    "die died dies dying dead death deaths kill killed kills killing fatalities injured injuring "
    "wounded hurt".split()
)
_ANYONE = frozenset({"people", "persons", "person"})
CASUALTIES = (
    "deaths",
    "dead",
    "died",
    "fatalities",
    "casualties",
    "killed",
    "injured",
    "wounded",
    "hurt",
    "victims",
)
CASUALTY_REACH = 3
_CASUALTY_STEMS = frozenset(stem(w) for w in CASUALTIES)
# Every word whose stem is one of theirs, and a few more ("skill"): a cheap first look, run
# on lower-cased text (case-blind matching is several times slower).
_SPEAKS_OF_CASUALTIES = re.compile("|".join(sorted(_CASUALTY_STEMS)))


def counted_words(question: str) -> tuple[str, ...] | None:
    """What a "how many" or "how much" question counts ("how many Indian deportees ..." ->
    ("indian", "deportees"); the dead and hurt by CASUALTIES); () when it does not say ("how
    much did he weigh?"); None for other questions."""
    ws = words(question)
    for i in range(len(ws) - 1):
        if ws[i] == "how" and ws[i + 1] in ("many", "much"):
            counted = []
            for w in ws[i + 2 : i + 2 + COUNTED_WORDS]:
                if w in _NOT_COUNTED:
                    break
                if not _is_figure(w):  # "How many 787-9 jets": the model number is a name
                    counted.append(w)
            if _ASKS_CASUALTIES & set(ws):
                counted = [w for w in counted if w not in _ANYONE and w not in CASUALTIES] + list(CASUALTIES)
            return tuple(counted)
    return None


def states_count(counted: tuple[str, ...], text: str) -> bool:
    """Whether `text` gives a figure for what is counted (any figure, when that is unsaid)."""
    lowered = text.lower()
    if not counted:
        return any(_is_figure(w) for w in words(_without_designations(lowered)))
    wanted = {stem(w) for w in counted}
    # Every way of stating the count has a word with one of these stems, and a stem opens
    # its word: a passage that holds none of them is settled without splitting it into words.
    if not any(s in lowered for s in wanted):
        return False
    lowered = _without_designations(lowered)
    casualties = not wanted.isdisjoint(_CASUALTY_STEMS)
    if casualties:
        # Most passages speak of no dead or hurt: one scan of the text settles those.
        if not _SPEAKS_OF_CASUALTIES.search(lowered):
            return False
        victims = wanted - _CASUALTY_STEMS
        if any(
            _FIGURE.search(s) and _counts_casualties(victims, words(s)) for s in _SENTENCE_END.split(lowered)
        ):
            return True
    else:
        # From each figure, the words after it: figures are few, and a walk over every word
        # of every candidate passage was most of what a count question cost.
        for figure in _FIGURE.finditer(lowered):
            end = figure.end()
            for _ in range(COUNT_REACH):
                after = _NEXT_WORD.match(lowered, end)
                if after is None:
                    break
                if stem(after[1]) in wanted:
                    return True
                end = after.end()
    return any(_updates_tally(wanted, match) for match in _TALLY.finditer(lowered))


def _without_designations(lowered: str) -> str:
    """The text without names that hold a figure ("covid-19"), which also stand between a
    count and what it counts as an adjective does not: "1,200 new covid-19 cases"."""
    return _DESIGNATION.sub("", lowered) if "-" in lowered else lowered


def _counts_casualties(victims: set[str], sentence: list[str]) -> bool:
    """Whether a figure in the sentence counts the dead or hurt: "four deaths", "11 people
    were killed", the victims the question names, dead or hurt later in the sentence ("106
    protesters in 21 cities have been killed"), or whoever the figure's subject is, when its
    verb says they died ("Two United States service members have been killed"). Not "13,000
    US troops remain", nor "3,000 people marched to mourn the dead"."""
    for i, w in enumerate(sentence):
        if _is_figure(w):
            if any(stem(a) in _CASUALTY_STEMS for a in sentence[i + 1 : i + 1 + CASUALTY_REACH]):
                return True
            if any(stem(a) in victims for a in sentence[i + 1 : i + 1 + COUNT_REACH]) and any(
                stem(a) in _CASUALTY_STEMS for a in sentence[i + 1 :]
            ):
                return True
            if _dies(sentence[i + 1 : i + 1 + _SUBJECT_REACH]):
                return True
    return False


# "Two United States service members | have been killed": a figure's subject can run a few
# words before its verb, up to the next figure.
_SUBJECT_REACH = 8
_CASUALTY_VERBS = frozenset("killed injured wounded hurt".split())
_AUXILIARIES = frozenset("is are was were been".split())


def _dies(following: list[str]) -> bool:
    for j, w in enumerate(following):
        if _is_figure(w):
            return False
        if w == "died" or (w in _CASUALTY_VERBS and j > 0 and following[j - 1] in _AUXILIARIES):
            return True
    return False


def _updates_tally(wanted: set[str], tally: re.Match[str]) -> bool:
    """Whether the counted word comes shortly before "to eleven" in its sentence."""
    if _YEAR.fullmatch(tally[1]):
        return False
    before = tally.string[: tally.start()]
    ranged = _RANGE_FROM.search(before[-30:])
    if ranged and not ranged[0].startswith("from"):
        return False
    sentence = _SENTENCE_END.split(before)[-1]
    return any(stem(w) in wanted for w in words(sentence)[-_TALLY_REACH:])


def _is_figure(word: str) -> bool:
    return word.isdigit() or word in NUMBER_WORDS


# "How much do tickets cost / did they pay / is it worth / funding did it raise", "What
# (starting) price", "What is the price", "What does it cost", "What did it sell for": the
# answer is a sum of money.
# "How much" alone is not enough ("how much did he weigh", "how much did sales grow").
MONEY_WORDS = frozenset(
    "cost costs costing price prices priced pay pays paid charge charges charged fee fees fine "
    "worth fund funds funding spend spends spent salary salaries wage wages fare fares money".split()
)
# "Raise" asks for a sum when nothing is raised but money: "How much did Portline raise (in
# its listing)?", not "How much did the bank raise rates?" nor "... raise the price by?".
_RAISES_MONEY = r"\brais(?:e|es|ed|ing)(?=\s*(?:$|[?.!,;]|\b(?:in|from|with|at|for|during|on|by|after|before|so|to|this|last|since)\b))"
_ASKS_MONEY = re.compile(
    rf"\bhow much\b.*?(?:\b(?:{'|'.join(sorted(MONEY_WORDS))})\b|{_RAISES_MONEY})"
    r"|^\W*what\s+(?:(?:is|was|will be)\s+the\s+)?(?:\w+\s+)?(?:price|cost|fee|fare)\b"
    r"|^\W*what\s+(?:does|do|did|will|would)\b.*\bcost\b"
    r"|\b(?:what|how much)\b.*\b(?:sell|sells|selling|sold|retail|retails|retailing)\s+(?:for|at)\b",
    re.IGNORECASE,
)
# A sum: a currency sign or code next to a figure ("$12.9bn", "HK$88 billion", "Rs 500",
# "EUR 20"), a figure followed by a currency ("49,900 dollars", "3 million euros", "half a
# million dollars"), or "free", which answers a price question too. Matched in lower-cased
# text: it runs on every candidate passage of a price question, and case-blind matching is
# three times slower.
_CURRENCY = (
    r"dollars?|euros?|pounds?|sterling|yen|yuan|renminbi|rupees?|roubles?|rubles?|francs?|cents?"
    r"|pence|naira|rand|pesos?|reais|lira|lire|kroner?|kronor|krona|zlotys?|forints?|baht|ringgit"
    r"|dirhams?|riyals?|shekels?|hryvnias?|lei|rupiah|shillings?|cedis?|kwacha|birr|taka"
    r"|usd|eur|gbp|jpy|cny|inr|rub|chf"
)
# "$12.9bn", "3 million euros", and in words: "half a million dollars", "thousands of pounds".
_AMOUNT = r"(?:\d[\d,.]*|(?:" + "|".join(sorted(NUMBER_WORDS)) + r"|a|one)\b)"
_STATES_MONEY = re.compile(
    r"(?:[$€£¥₹₽₩₦]|\b(?:rs|inr|usd|eur|gbp|chf|sek|nok|dkk)\.?)\s?\d"
    rf"|{_AMOUNT}\s?(?:k|m|mn|bn|million|billion|trillion|thousand|hundred)?\s?(?:of\s)?(?:{_CURRENCY})\b"
    r"|\bfree\b"
)


# "How much did oil prices rise?" asks by how much, which news gives as often in per cent
# ("rose 4%") as in money: no sum is required of its answer.
_ASKS_CHANGE = re.compile(
    r"\bhow much\b.*\b(?:rise|rises|rose|risen|fall|falls|fell|fallen|drop|drops|dropped|climb|climbed"
    r"|jump|jumped|increase|increased|decrease|decreased|grow|grew|grown|soar|soared|surge|surged"
    r"|slump|slumped|plunge|plunged|decline|declined|go up|went up|gone up|go down|went down|gone down"
    r"|cut)\b"
    r"|\bhow much\b.*\bby\W*$",  # "How much did they raise the price by?"
    re.IGNORECASE,
)


def asks_for_money(question: str) -> bool:
    """Whether the question asks what something costs, pays or is worth."""
    if _ASKS_MONEY.search(question):
        return not _ASKS_CHANGE.search(question)
    # Or names a thing and its price, as people type into a search box: "Bitcoin price?",
    # "cost of a Big Mac". Not "Oil prices?", which asks for the news about them, nor "Why
    # price rises?", which asks for a cause.
    ws = words(question)
    return 0 < len(ws) <= SHORT_PRICE_WORDS and ws[0] not in _ASKS_OTHER and not _PRICE_WORDS.isdisjoint(ws)


SHORT_PRICE_WORDS = 5
_PRICE_WORDS = frozenset("price cost fare fee".split())
_ASKS_OTHER = frozenset("why who when where which whose".split())


def states_money(text: str) -> bool:
    """Whether `text` gives a sum of money (or says that something is free)."""
    return _STATES_MONEY.search(text.lower()) is not None
