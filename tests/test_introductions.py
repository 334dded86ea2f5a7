"""Questions that ask "who is X?": which they are, and where an article introduces the person."""

import pytest

from retrieval.archive import Archive
from retrieval.introductions import asks_who_is, introduction, mentions


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Who is Valery Gerasimov?", ("valery", "gerasimov")),
        ("who's gerasimov", ("gerasimov",)),
        ("Who is Gerasimov again?", ("gerasimov",)),
        ("What does Doug Cooke do?", ("doug", "cooke")),
        ("What did Noem do?", None),  # what she did, not who she is
        ("What does the law do?", None),
        ("Who was Eva-Marie Persson?", ("eva", "marie", "persson")),
        ("Who is the new Star Trek director?", None),  # asks for a name
        ("Who is going to direct the next Star Trek movie?", None),
        ("Who said the talks had failed?", None),
        ("Who is he?", None),
        ("What is Oreshnik?", None),
        ("Who is Fritz von Weizsäcker?", ("fritz", "von", "weizsacker")),  # as the index folds it
    ],
)
def test_asks_who_is(question: str, name: tuple[str, ...] | None) -> None:
    assert asks_who_is(question) == name


ARTICLE = (
    '"The fewer launches, the better," Cooke said at the hearing.\n\n'
    "While Cooke spoke, engineers waited outside.\n\n"
    "Doug Cooke, a former NASA associate administrator, now advises the industry."
)


@pytest.mark.parametrize(
    ("name", "found"), [(("cooke",), "Cooke, a former"), (("doug", "cooke"), "Doug Cooke")]
)
def test_an_article_introduces_a_person_where_it_first_names_them_in_full(
    name: tuple[str, ...], found: str
) -> None:
    at = introduction(name, ARTICLE)
    assert at is not None and ARTICLE[at:].startswith(found)


def test_an_article_that_never_names_them_in_full_introduces_them_where_it_first_names_them() -> None:
    assert introduction(("okafor",), "A quote.\n\nOkafor said no.\n\nOkafor left.") == len("A quote.\n\n")
    assert introduction(("smith",), "Nobody of that name.") is None


@pytest.mark.parametrize("question", ["Who is Gerasimov?", "who's gerasimov", "who is brown"])
def test_who_is_quotes_the_passage_that_introduces_them(archive: Archive, question: str) -> None:
    # Later mentions ("Gerasimov had informed Brown about Russian military drills") are
    # closer in meaning to a bare name; the first one says who he is.
    best = archive.search(question).hits[0]
    assert best.text.startswith("The call, between Russia's Chief of the General Staff Valery Gerasimov")


@pytest.mark.parametrize("asked", ["Weizsäcker", "Weizsacker"])
def test_a_name_is_found_in_the_article_with_or_without_its_accents(asked: str) -> None:
    article = (
        "A doctor was stabbed in Berlin on Tuesday. The victim, the physician Fritz von Weizsäcker, "
        "was the son of a former president. Weizsäcker died at the scene."
    )
    name = asks_who_is(f"Who is {asked}?")
    assert name is not None
    assert mentions(name, article)
    assert introduction(name, article) == article.index("von Weizsäcker") + len("von ")
