"""Questions that ask what someone said, and which text reports speech."""

import pytest

from retrieval.statements import asks_what_said, reports_speech


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What did Kristi Noem say about the new ads?", True),
        ("How did the doctor explain feather duvet lung?", True),
        ("How did former aides characterize the interview?", True),
        ("What has the minister told parliament?", True),
        ("Who said the talks had failed?", False),  # asks who, not what
        ("What did the police find in the car?", False),
        ("Why did she say no?", False),  # asks why: a cause
    ],
)
def test_asks_what_said(question: str, asks: bool) -> None:
    assert asks_what_said(question) is asks


@pytest.mark.parametrize(
    ("text", "reports"),
    [
        ('"This is the safest route," she said.', True),
        ("Noem called the campaign a bold effort.", True),
        ("According to the ministry, talks will resume.", True),
        ("The city opened six kilometres of bike lanes on Monday.", False),
    ],
)
def test_reports_speech(text: str, reports: bool) -> None:
    assert reports_speech(text) is reports
