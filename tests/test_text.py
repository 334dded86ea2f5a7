import time

import pytest

from retrieval.passages import MAX_CHARS, split_passages
from retrieval.text import (
    clean_text,
    content_hash,
    paragraph_spans,
    searchable,
    split_sentences,
    tag_words,
    without_accents,
)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_clean_text_keeps_paragraphs_and_joins_hard_wraps() -> None:
    raw = "First paragraph\nwraps here.\r\n\r\n\r\nSecond  one.\n"
    assert clean_text(raw) == "First paragraph wraps here.\n\nSecond one."


def test_clean_text_makes_each_line_a_paragraph_when_there_are_no_blank_lines() -> None:
    assert clean_text("One.\nTwo.\n") == "One.\n\nTwo."


def test_clean_text_drops_nul_controls_and_lone_surrogates() -> None:
    cleaned = clean_text("Bad\x00 bytes\x07 and \ud800 here.")
    assert "\x00" not in cleaned and "\x07" not in cleaned
    cleaned.encode("utf-8")  # raises if a surrogate survived


def test_clean_text_is_idempotent() -> None:
    once = clean_text("A  b\nc\n\nd\u00a0e")
    assert clean_text(once) == once


def test_sentences_respect_abbreviations_initials_and_quotes() -> None:
    text = (
        "The call occurred on Nov. 27 and was held at the request of the Russian side. "
        "Gen. Charles Brown spoke with the U.S. Army. "
        "George W. Bush was not there. "
        "The first two were directed by J.J. Abrams. "
        "“This information was given,” it said. Then it ended!"
    )
    assert sentences(text) == [
        "The call occurred on Nov. 27 and was held at the request of the Russian side.",
        "Gen. Charles Brown spoke with the U.S. Army.",
        "George W. Bush was not there.",
        "The first two were directed by J.J. Abrams.",
        "“This information was given,” it said.",
        "Then it ended!",
    ]


def test_sentence_ending_in_quote_is_split_after_the_quote() -> None:
    assert sentences('He said "no." She left.') == ['He said "no."', "She left."]


def test_passages_are_exact_spans_merging_tiny_paragraphs_backwards() -> None:
    text = clean_text(
        "Brown also expressed U.S. concern over the deployment of North Korean troops to support Russia.\n\n"
        "It did not mention Ukraine.\n\n"
        "Tensions between Russia and the United States have escalated since Donald Trump won."
    )
    spans = split_passages(text)
    texts = [text[s.start : s.end] for s in spans]
    assert texts[0].endswith("It did not mention Ukraine.")
    assert texts[0].startswith("Brown also")
    assert len(texts) == 2


@pytest.mark.parametrize(
    ("before", "heading", "introduced"),
    [
        # An explainer's subheads: quoted with the paragraph before, "What charges does he
        # face?" would dangle at the end of an answer about something else.
        (
            "Wikileaks welcomed the Swedish move to drop the investigation into the allegation.",
            "What charges does Assange face in the US?",
            "Australian-born Assange faces a charge of conspiracy to commit computer intrusion.",
        ),
        # A line that introduces a list: with the paragraph before, it points at nothing.
        (
            "Wales beat Hungary 2-0 on Tuesday to take the last of the twenty automatic places.",
            "Here are the teams that have qualified:",
            "England, Czech Republic, Ukraine, Spain, Sweden, Poland, France, Turkey and Belgium.",
        ),
        # A running story's updates, each under the time it was written.
        (
            "The Latest on a deadly stabbing on a San Francisco Bay Area commuter train (all times local):",
            "10 p.m.",
            "Authorities say the stabbing may have occurred after the attacker tried to steal a rider's shoes.",
        ),
        (
            "Police closed the station while officers searched the train and the platforms.",
            "Tuesday 6:45 p.m. PST",
            "A suspect was arrested a block away after employees of a car dealership called police.",
        ),
    ],
)
def test_a_heading_joins_the_paragraph_it_introduces(before: str, heading: str, introduced: str) -> None:
    text = clean_text(f"{before}\n\n{heading}\n\n{introduced}")
    texts = [text[s.start : s.end] for s in split_passages(text)]
    assert texts == [before, f"{heading}\n\n{introduced}"]


@pytest.mark.parametrize("line", ["It did not mention Ukraine.", "At 10 p.m. it was over."])
def test_a_short_line_that_is_not_a_heading_finishes_the_paragraph_before(line: str) -> None:
    before = "Police closed the station while officers searched the train and the platforms."
    after = "A suspect was arrested a block away after employees of a car dealership called police."
    text = clean_text(f"{before}\n\n{line}\n\n{after}")
    texts = [text[s.start : s.end] for s in split_passages(text)]
    assert texts == [f"{before}\n\n{line}", after]


def test_long_paragraph_is_split_at_sentence_boundaries_into_even_chunks() -> None:
    sentence = "The ministry said the drills would continue for several more days near the coast. "
    text = clean_text(sentence * 20)  # 280 words in one paragraph
    spans = split_passages(text, max_words=120)
    assert len(spans) == 3
    for span in spans:
        chunk = text[span.start : span.end]
        assert chunk.startswith("The ministry") and chunk.endswith("coast.")
        assert 80 <= len(chunk.split()) <= 120


def test_every_paragraph_is_covered_in_order() -> None:
    text = clean_text(
        "\n\n".join(
            f"Paragraph {i} has enough words to stand on its own as a passage here." for i in range(6)
        )
    )
    spans = split_passages(text)
    assert [text[s.start : s.end] for s in spans] == [text[a:b] for a, b in paragraph_spans(text)]


def test_content_hash_ignores_spacing_case_and_punctuation() -> None:
    assert content_hash("Hello,  World!\n\nBye.") == content_hash("hello world bye")
    assert content_hash("Hello world") != content_hash("Hello there")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Governor @MattBevin has my support", ["Matt", "Bevin"]),
        ("Thanks, @realDonaldTrump!", ["real", "Donald", "Trump"]),
        ("Live from #COP26 via @BBCNews", ["COP", "26", "BBC", "News"]),
        ("@matt_bevin replied", ["matt", "bevin"]),
        # No word break can be told in these, and an address or a number is not a tag.
        ("#metoo", []),
        ("write to press@WhiteHouse.gov", []),
        ("the #1 pick", []),
    ],
)
def test_the_words_run_together_in_handles_and_hashtags_are_told_apart(text: str, found: list[str]) -> None:
    assert tag_words(text) == found


@pytest.mark.parametrize(
    "paragraph",
    [
        # A list with no full stop: one "sentence" of 6,000 words.
        ", ".join(f"Name{i} Surname{i}" for i in range(3000)),
        # A script written without spaces, where sentences end in "。": a word per sentence.
        "北京市政府周二宣布新的交通规则。" * 600,
        # Nothing a word is made of.
        "😀" * 5000,
    ],
)
def test_a_paragraph_no_sentence_or_space_divides_is_still_cut_into_passages(paragraph: str) -> None:
    text = clean_text(
        f"A headline paragraph that says what the story is about, at some length.\n\n{paragraph}"
    )
    spans = split_passages(text)
    assert len(spans) > 3
    assert all(span.end - span.start <= MAX_CHARS for span in spans)
    # Nothing is lost or repeated: the passages, in order, are the text less the spaces between.
    assert "".join(text[s.start : s.end] for s in spans).replace(" ", "").replace("\n", "") == text.replace(
        " ", ""
    ).replace("\n", "")


def test_sentences_are_found_in_linear_time() -> None:
    # Each full stop used to rescan the text before it: a long transcript without
    # paragraph breaks took minutes.
    text = "The hearing resumed after lunch. " * 6_000
    started = time.perf_counter()
    assert len(split_sentences(text)) == 6_000
    assert time.perf_counter() - started < 5


def test_abbreviations_with_dots_are_searchable_without_them() -> None:
    text = "The U.S. envoy met U.N. officials in Washington, D.C., and the U.S. Army chief."
    assert searchable(text).split("\n") == [text, "US UN DC"]
    assert searchable("No abbreviation here.") == "No abbreviation here."


def test_accents_are_folded_as_the_keyword_index_folds_them() -> None:
    assert (
        without_accents("Weizsäcker, São Paulo, Peña Nieto, Łódź")
        == "Weizsacker, Sao Paulo, Pena Nieto, Łodz"
    )
    assert without_accents("“Quotes” — and dashes stay") == "“Quotes” — and dashes stay"
