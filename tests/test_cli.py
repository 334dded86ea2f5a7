"""The `newsbot` command as a person uses it: what it prints, its exit status, and that a
refused input changes nothing in the store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from retrieval.archive import Archive
from retrieval.encoder import Encoder, passage_input, vectors_key
from retrieval.passages import split_passages
from retrieval.sources import load_file
from retrieval.store import STORE_FILE
from retrieval.text import content_hash
from tests.samples import BAD_FILES, HARBOUR_JSONL, ROOT, SAMPLE, SAMPLE_TITLE, SAMPLE_URL, TOUR_JSONL


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(path))
    return path


@pytest.fixture
def ingested(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, _ = run(capsys, "ingest", str(SAMPLE))
    assert code == 0
    return data_dir


def article_count(capsys: pytest.CaptureFixture[str]) -> int:
    code, out, _ = run(capsys, "stats")
    assert code == 0
    return int(next(line for line in out.splitlines() if line.startswith("Articles:")).split()[-1])


def test_ingest_then_ask_prints_the_quote_with_its_source(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ingest", str(SAMPLE.parent))
    assert code == 0
    assert f"Added “{SAMPLE_TITLE}”" in out

    code, out, _ = run(capsys, "ask", "Which missile did the generals talk about?")
    assert code == 0
    first = out.split("\n  2. ")[0]
    assert "**Citing a U.S. military spokesperson" in first  # highlighted, as no terminal
    assert "Oreshnik" in first
    assert f"{SAMPLE_TITLE} · The Moscow Times · 5 December 2024" in first
    assert SAMPLE_URL in first


def test_reingesting_the_same_article_adds_nothing_and_says_so(
    ingested: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    copy = tmp_path / "copy.txt"  # same text, no address: caught by its content
    copy.write_text("A title\n\n" + SAMPLE.read_text().split("---\n", 2)[2])
    code, out, _ = run(capsys, "ingest", str(SAMPLE), str(copy))
    assert code == 0
    assert "Already indexed on" in out
    assert "the same address" in out
    assert "the same text" in out
    assert "0 added, 2 already indexed" in out
    assert article_count(capsys) == 1


def test_ask_on_an_empty_store_says_how_to_add_articles(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "ask", "Who asked for the call?")
    assert code == 1
    assert out == ""
    assert "newsbot ingest data/" in err
    assert "send the bot a link" in err


def test_ask_json_has_the_documented_shape(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "-k", "2", "What missile did the generals talk about?")
    assert code == 0
    answer = json.loads(out)
    assert answer["question"] == "What missile did the generals talk about?"
    assert answer["answered"] is True
    assert answer["nearest"] is None
    assert 1 <= len(answer["passages"]) <= 2
    passage = answer["passages"][0]
    assert passage["highlight"] in passage["text"]
    assert isinstance(passage["score"], float)
    assert passage["article"] == {
        "id": 1,
        "url": SAMPLE_URL,
        "title": SAMPLE_TITLE,
        "publisher": "The Moscow Times",
        "published": "2024-12-05",
        "also_reported_by": [],
    }


def test_a_misspelt_question_shows_how_it_was_read(
    ingested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ask", "--json", "What missiel did the generals talk about?")
    assert code == 0
    answer = json.loads(out)
    assert answer["question"] == "What missiel did the generals talk about?"
    assert answer["read_as"] == "What missile did the generals talk about?"
    assert "Oreshnik" in answer["passages"][0]["text"]
    code, out, _ = run(capsys, "ask", "What missiel did the generals talk about?")
    assert code == 0
    assert out.splitlines()[:2] == [
        "What missiel did the generals talk about?",
        "  (read as: What missile did the generals talk about?)",
    ]


def test_unanswerable_question_is_not_found(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "What is the capital of Peru?")
    assert code == 0
    assert json.loads(out) == {
        "question": "What is the capital of Peru?",
        "read_as": None,
        "answered": False,
        "nearest": None,
        "passages": [],
    }
    code, out, _ = run(capsys, "ask", "What is the capital of Peru?")
    assert "Not found" in out
    assert "1 article" in out


def test_a_price_the_story_does_not_give_is_not_found_naming_the_story(
    data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = tmp_path / "tour.jsonl"
    story.write_text(json.dumps(TOUR_JSONL) + "\n")
    assert run(capsys, "ingest", str(story))[0] == 0
    question = "How much do tickets cost for the Harbour Lights reunion tour?"
    code, out, _ = run(capsys, "ask", question)
    assert code == 0
    assert "Not found" in out
    assert "The nearest story is about it but does not say:" in out
    assert f"— {TOUR_JSONL['title']} · Stage Weekly · 20 May 2024" in out
    code, out, _ = run(capsys, "ask", "--json", question)
    answer = json.loads(out)
    assert answer["answered"] is False and answer["passages"] == []
    assert answer["nearest"] == {
        "id": 1,
        "url": TOUR_JSONL["url"],
        "title": TOUR_JSONL["title"],
        "publisher": "Stage Weekly",
        "published": "2024-05-20",
    }


def test_questions_from_standard_input_one_per_line(
    ingested: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(
        sys, "stdin", io.StringIO("Which missile was discussed?\n\nWhat is the capital of Peru?\n")
    )
    code, out, _ = run(capsys, "ask", "--json")
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["answered"] for a in answers] == [True, False]


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("  \t ", "empty"), ("x" * 10_000, "too long"), ("?!", "no words")],
)
def test_bad_questions_exit_non_zero_with_a_reason(
    ingested: Path, capsys: pytest.CaptureFixture[str], question: str, message: str
) -> None:
    code, out, err = run(capsys, "ask", question)
    assert code == 1
    assert out == ""
    assert message in err


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_are_refused_and_change_nothing(
    ingested: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: str | bytes,
    message: str,
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(HARBOUR_JSONL) + "\n")
    bad = tmp_path / name
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content)
    code, _, err = run(capsys, "ingest", str(good), str(bad))
    assert code == 1
    assert message in err
    assert str(bad) in err
    assert "nothing was added" in err
    assert article_count(capsys) == 1


def test_skip_bad_adds_the_good_files_and_still_reports_the_bad(
    ingested: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(HARBOUR_JSONL) + "\n")
    (tmp_path / "empty.txt").write_text("")
    code, _, err = run(capsys, "ingest", "--skip-bad", str(good), str(tmp_path / "empty.txt"))
    assert code == 1
    assert "skipped" in err
    assert article_count(capsys) == 2


def test_missing_file_is_named(ingested: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "ingest", str(tmp_path / "nope.md"))
    assert code == 1
    assert "nope.md: no such file or directory" in err


def test_export_then_ingest_round_trips(
    ingested: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "harbour.jsonl"
    extra.write_text(json.dumps(HARBOUR_JSONL) + "\n")
    assert run(capsys, "ingest", str(extra))[0] == 0
    backup = tmp_path / "backup.jsonl"
    code, _, err = run(capsys, "export", "-o", str(backup))
    assert code == 0
    assert "Wrote 2 articles" in err
    exported = [json.loads(line) for line in backup.read_text().splitlines()]
    assert [a["title"] for a in exported] == [SAMPLE_TITLE, HARBOUR_JSONL["title"]]

    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path / "restored"))
    assert run(capsys, "ingest", str(backup))[0] == 0
    code, out, _ = run(capsys, "export")
    assert [json.loads(line) for line in out.splitlines()] == exported
    assert "Oreshnik" in run(capsys, "ask", "Which missile was discussed?")[1]


def test_remove_by_address_and_by_id(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "remove", SAMPLE_URL + "?utm_source=tg")
    assert code == 0
    assert f"Removed article 1: “{SAMPLE_TITLE}”" in out
    assert article_count(capsys) == 0
    code, _, err = run(capsys, "remove", "1")
    assert code == 1
    assert "No article with the id '1'" in err


def test_stats_reports_what_is_held(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert "Articles:        1" in out
    assert "Newest article:  5 December 2024" in out
    assert "all-MiniLM-L6-v2" in out


def test_rebuild_reembeds_everything_and_answers_stay(
    ingested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "rebuild")
    assert code == 0
    assert "Rebuilt the index: 12 passages" in out
    assert "anew" not in out  # cut by today's rules already
    assert "Oreshnik" in run(capsys, "ask", "Which missile was discussed?")[1]


def test_rebuild_recuts_articles_stored_under_an_earlier_versions_passage_rules(
    data_dir: Path, capsys: pytest.CaptureFixture[str], encoder: Encoder
) -> None:
    # An archive written when short paragraphs were merged up to 30 words: 8 passages where
    # today's rules make 12.
    draft = load_file(SAMPLE)[0].draft
    old_spans = split_passages(draft.text, min_words=30)
    archive = Archive(data_dir, encoder=encoder)
    vectors = encoder.encode([passage_input(draft.title, draft.text[s.start : s.end]) for s in old_spans])
    archive.store.add_article(draft, content_hash(draft.text), old_spans, vectors_key(encoder), vectors)
    archive.save_index()
    assert "Passages:        8" in run(capsys, "stats")[1]

    code, out, _ = run(capsys, "rebuild")

    assert code == 0
    assert "Rebuilt the index: 12 passages" in out
    assert "1 article was cut into passages anew" in out
    assert "Passages:        12" in run(capsys, "stats")[1]
    code, out, _ = run(capsys, "ask", "Which missile did the generals talk about?")
    assert "Oreshnik" in out.split("\n  2. ")[0]
    assert "anew" not in run(capsys, "rebuild")[1]  # nothing left to re-cut


def test_unusable_data_dir_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(blocker / "data"))
    code, _, err = run(capsys, "ingest", str(SAMPLE))
    assert code == 1
    assert "Cannot use the data directory" in err
    assert "NEWSBOT_DATA_DIR" in err


def _foreign_database(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.commit()
    db.close()


def _newer_store(path: Path) -> None:
    Archive(path.parent).store.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: path.write_bytes(b"junk junk junk" * 100), "is damaged or is not a database"),
        (_foreign_database, "is a database that newsbot did not make"),
        (_newer_store, "was written by a newer newsbot (schema 99"),
    ],
    ids=["damaged", "another-programs-database", "newer-schema"],
)
def test_a_store_newsbot_cannot_use_is_refused_and_left_as_it_was(
    data_dir: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None], reason: str
) -> None:
    data_dir.mkdir()
    store = data_dir / STORE_FILE
    make(store)
    before = store.read_bytes()
    for argv in (["ingest", str(SAMPLE)], ["ask", "Which missile?"], ["stats"]):
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert reason in err and str(store) in err
        assert "Traceback" not in err
    assert store.read_bytes() == before  # not migrated, not switched to WAL, not emptied


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSBOT_TOP_K", "three"),
        ("NEWSBOT_TOP_K", "0"),
        ("NEWSBOT_MIN_RELEVANCE", "2"),
        ("NEWSBOT_REREAD", "-1"),
        ("NEWSBOT_LOG_LEVEL", "LOUD"),
        ("NEWSBOT_ALLOWED_NETWORKS", "10.0.0.0/33"),
        ("NEWSBOT_FETCH_PORTS", "http"),
        ("NEWSBOT_ALLOW_PRIVATE_URLS", "perhaps"),
        ("NEWSBOT_INGEST_PRECISION", "fp16"),
    ],
)
def test_bad_setting_names_the_variable(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "stats")
    assert code == 1
    assert out == ""
    assert err.startswith(f"newsbot: {name}: ")
    assert len(err.strip().splitlines()) == 1
    assert not (data_dir / STORE_FILE).exists()


def installed_command() -> list[str]:
    """`newsbot` as installed beside this Python (or its module, where it is not)."""
    newsbot = Path(sys.executable).parent / "newsbot"
    return [str(newsbot)] if newsbot.exists() else [sys.executable, "-m", "bot.cli"]


def test_the_installed_command_runs_as_a_person_would(tmp_path: Path) -> None:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "NEWSBOT_DATA_DIR": str(tmp_path / "d"),
        "HOME": str(tmp_path),
    }
    command = installed_command()
    done = subprocess.run(
        [*command, "ask", "anything"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "No articles yet" in done.stderr


def test_output_cut_short_by_the_reader_ends_quietly(ingested: Path, tmp_path: Path) -> None:
    env = {"PATH": str(Path(sys.executable).parent), "NEWSBOT_DATA_DIR": str(ingested), "HOME": str(tmp_path)}
    command = installed_command()
    # As `newsbot ask ... | head -1` once head has its line: the pipe is closed before
    # newsbot writes (it takes a second to start).
    with subprocess.Popen(
        [*command, "ask", "Which missile did the generals talk about?"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as asking:  # fmt: skip
        assert asking.stdout is not None and asking.stderr is not None
        asking.stdout.close()
        err = asking.stderr.read().decode()
        code = asking.wait(timeout=120)
    assert (code, err) == (141, "")


def test_env_example_copied_to_dotenv_is_valid_and_documents_every_setting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.settings import Settings

    example = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(
        example.replace("NEWSBOT_DATA_DIR=data", f"NEWSBOT_DATA_DIR={tmp_path / 'd'}")
    )
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "stats")[0] == 0
    documented = {line.split("=")[0] for line in example.splitlines() if line.startswith("NEWSBOT_")}
    assert documented == {f"NEWSBOT_{name.upper()}" for name in Settings.model_fields}
    readme = (ROOT / "README.md").read_text()
    assert [name for name in sorted(documented) if f"`{name}`" not in readme] == []
