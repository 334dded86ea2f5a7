import json
from pathlib import Path

import pytest

from retrieval.errors import NewsbotError
from retrieval.sources import find_files, load_file
from tests.samples import BAD_FILES, SAMPLE, SAMPLE_URL

ARTICLE_HTML = """<!doctype html><html><head>
<title>Ignored site title</title>
<meta property="og:title" content="Storm closes the harbour for three days">
<meta property="og:site_name" content="Coastal Herald">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-02T08:00:00Z">
<link rel="canonical" href="https://herald.example.com/news/storm-closes-harbour">
</head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article><h1>Storm closes the harbour for three days</h1>
<p>The harbour master closed the port on Saturday after waves of up to nine metres battered the outer wall,
stranding forty fishing boats inside.</p>
<p>Crews expect to reopen the main channel on Tuesday once divers have checked the breakwater for damage,
the port authority said in a statement.</p>
<p>Fishermen said the closure would cost them a week of catch at the height of the season.</p>
</article>
<aside>Related: Ten best beaches in the region</aside>
<footer>Copyright Coastal Herald. All rights reserved.</footer>
</body></html>"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_sample_markdown_with_front_matter() -> None:
    [item] = load_file(SAMPLE)
    draft = item.draft
    assert draft.title == "Russia, U.S. Army Chiefs Hold Rare Call Amid Ukraine Escalation"
    assert draft.url == SAMPLE_URL
    assert (draft.publisher, draft.author, draft.published) == ("The Moscow Times", "AFP", "2024-12-05")
    assert draft.text.startswith("The Russian and U.S. army chiefs held a rare phone call")
    assert "Gerasimov had informed Brown about Russian military drills" in draft.text


def test_markdown_links_and_emphasis_become_plain_text(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.md", "# Title here\n\nThe ministry [said](#) it was **very** *sure*. ![photo](x.jpg)\n"
    )
    draft = load_file(path)[0].draft
    assert draft.title == "Title here"
    assert draft.text == "The ministry said it was very sure."


def test_txt_title_is_the_first_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "\nHarbour closed\n\nThe harbour master closed the port on Saturday.\n")
    draft = load_file(path)[0].draft
    assert (draft.title, draft.text) == ("Harbour closed", "The harbour master closed the port on Saturday.")


def test_html_file_extracts_text_and_metadata_without_boilerplate(tmp_path: Path) -> None:
    draft = load_file(write(tmp_path, "storm.html", ARTICLE_HTML))[0].draft
    assert draft.title == "Storm closes the harbour for three days"
    assert draft.publisher == "Coastal Herald"
    assert draft.published == "2024-03-02"
    assert draft.url == "https://herald.example.com/news/storm-closes-harbour"
    assert "stranding forty fishing boats" in draft.text
    assert "Ten best beaches" not in draft.text and "All rights reserved" not in draft.text


def test_jsonl_reads_every_line_with_optional_fields(tmp_path: Path) -> None:
    lines = [
        {
            "text": "First story text that is long enough.",
            "title": "One",
            "url": "https://a.example/1?utm_source=x",
        },
        {"text": "Second story text.", "published": "2024-05-01T10:00:00+02:00", "publisher": "Wire"},
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    first, second = (item.draft for item in load_file(path))
    assert (first.title, first.url) == ("One", "https://a.example/1")
    assert second.published == "2024-05-01" and second.publisher == "Wire"
    assert second.title == "Second story text."  # no title: its first line stands in


def test_json_file_may_hold_one_object_or_a_list(tmp_path: Path) -> None:
    one = write(tmp_path, "one.json", json.dumps({"text": "Only story.", "title": "T"}))
    many = write(tmp_path, "many.json", json.dumps([{"text": "A."}, {"text": "B."}]))
    assert len(load_file(one)) == 1
    assert len(load_file(many)) == 2


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_get_a_clear_message(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(NewsbotError, match=message) as caught:
        load_file(path)
    assert str(path) in str(caught.value)


def test_find_files_walks_directories_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "# A\n\nText.")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.jsonl", '{"text": "x"}')
    write(tmp_path, "newsbot.db", "not an article")
    (tmp_path / ".hidden").mkdir()
    write(tmp_path / ".hidden", "c.md", "# C\n\nText.")
    assert [p.name for p in find_files([str(tmp_path)])] == ["a.md", "b.jsonl"]


def test_find_files_names_every_missing_source(tmp_path: Path) -> None:
    with pytest.raises(NewsbotError) as caught:
        find_files([str(tmp_path / "nope.md"), str(tmp_path / "gone")])
    assert "nope.md: no such file" in str(caught.value)
    assert "gone: no such file" in str(caught.value)


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NewsbotError, match=r"cannot read \.pdf files"):
        find_files([str(write(tmp_path, "a.pdf", "%PDF-1.4"))])
