from __future__ import annotations

import pytest

from retrieval.spelling import read_as, slips

# How many passages of a made-up archive hold each word.
HELD = {
    "rape": 20,
    "plague": 40,
    "china": 90,
    "dropped": 900,
    "drooped": 250,  # as often as "dropped", past what is counted
    "kidnaper": 2,
    "kidnapped": 9,
    "roped": 30,
    "sweden": 25,
    "assange": 8,
    "indian": 5,
    "indians": 3,
    "government": 900,
    "gerasimov": 7,
}


# Words in common use, as the model's tokenizer holds them whole.
COMMON = {"indiana", "quote", "china", "plague", "government", "dropped", "kidnapped"}


def held(word: str, up_to: int) -> int:
    return min(HELD.get(word, 0), up_to)


def knows(word: str) -> bool:
    return word.lower() in COMMON


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        ("plauge china", "plague china"),  # two letters swapped
        # A doubled letter typed once: not "roped" (the first letter stays), and not
        # "drooped", which as many passages hold, but is no word in common use.
        ("Charges droped?", "Charges dropped?"),
        ("Why did sweeden drop it", "Why did sweden drop it"),  # a letter typed twice
        ("ASSNAGE in Sweden", "ASSANGE in Sweden"),  # as the question wrote it
        ("Plauge in China?", "Plague in China?"),
        ("plsgue china", "plague china"),  # the key beside the right one
        ("goverment plans", "government plans"),  # a letter left out, of a common word
        # A typing slip before any other edit: the archive's "kidnaper", though more
        # passages hold "kidnapped".
        ("The kidnapper fled", "The kidnaper fled"),
        ("plagre china", "plague china"),  # a wrong letter, making a common word
        ("Who is Gerasimof?", "Who is Gerasimov?"),  # a name spelt as it sounds
    ],
)
def test_a_slip_is_read_as_the_archives_word(question: str, meant: str) -> None:
    assert read_as(question, held, knows) == meant


@pytest.mark.parametrize(
    "question",
    [
        "plague china",  # nothing misspelt
        "Who is Portline's chief executive?",  # never heard of, and no slip from a stored word
        "Police in Indianna",  # one doubled letter from "Indiana", which no passage holds
        "Gerasmov spoke",  # a letter left out of a name: only the typing slips are read there
    ],
)
def test_a_word_no_slip_explains_is_left_alone(question: str) -> None:
    assert read_as(question, held, knows) is None


def test_a_word_in_common_use_is_no_slip() -> None:
    # "Indiana" is one key from the archive's "Indians", but a word the model knows whole.
    assert read_as("Indiana police", held, knows) is None
    assert read_as("Indiana police", held, lambda word: False) == "Indians police"


def test_short_words_are_left_alone() -> None:
    # "rpae" is one swap from "rape", but words this short are one slip from too many.
    assert read_as("rpae plauge", held, knows) == "rpae plague"


def test_slips_keep_the_first_letter() -> None:
    assert "plague" in slips("plauge")
    assert "dropped" in slips("droped") and "roped" not in slips("droped")
    assert "sweden" in slips("sweeden")
    assert "plague" in slips("plsgue")
    assert all(s[0] == "p" for s in slips("plauge"))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("gerasimof", "gerasimov"),
        ("aleksei", "alexei"),
        ("alexei", "aleksei"),
        ("shoygu", "shoigu"),
        ("stefan", "stephan"),
        ("stephan", "stefan"),
        ("nicolas", "nikolas"),
        ("zelenskiy", "zelenskyy"),
    ],
)
def test_a_name_spelt_as_it_sounds_is_a_slip(typed: str, meant: str) -> None:
    assert meant in slips(typed)


def test_a_question_in_words_the_archive_does_not_use_is_left_as_typed() -> None:
    # One slip among three unseen words is read; among four, the question is in other
    # words than the archive's (another language, another field), and guessing is wrong.
    assert read_as("plauge Krankenhaus Patientenakte", held, knows) == "plague Krankenhaus Patientenakte"
    assert read_as("plauge Krankenhaus Patientenakte Gesundheit", held, knows) is None
