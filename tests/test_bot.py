"""The Telegram bot as people meet it: the real python-telegram-bot Application polling a fake
Bot API server on 127.0.0.1 (tests/fake_telegram.py), which refuses what Telegram refuses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot import handlers
from bot.app import build_application
from bot.settings import Settings
from retrieval.archive import Archive
from retrieval.sources import _draft
from tests.fake_telegram import (
    BOT_USERNAME,
    TOKEN,
    ApiError,
    FakeTelegram,
    check_text,
    serve_telegram,
    visible_text,
)
from tests.pages import serve_pages
from tests.samples import (
    HARBOUR_JSONL,
    PROTEST_FIRST_JSONL,
    PROTEST_LATER_JSONL,
    RAIL_JSONL,
    SAMPLE_URL,
    TOUR_JSONL,
)

ADMIN = 1
USER = 42


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_pages() as base:
        yield base


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with serve_telegram() as fake:
        yield fake


def make_settings(fake: FakeTelegram, data_dir: Path, site: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "telegram_token": TOKEN,
        "telegram_api_url": fake.base_url,
        "admin_ids": str(ADMIN),
        **overrides,
    }
    if site:
        values.update(allow_private_urls=True, fetch_ports=str(urlsplit(site).port), fetch_timeout=3)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(fake: FakeTelegram, data_dir: Path, site: str) -> Settings:
    return make_settings(fake, data_dir, site)


@pytest.fixture
async def bot(fake: FakeTelegram, settings: Settings, archive: Archive) -> AsyncIterator[FakeTelegram]:
    """The bot running against the fake server; yields the fake, to talk to it."""
    async with running(settings, archive):
        yield fake


class running:
    def __init__(self, settings: Settings, archive: Archive) -> None:
        self.application = build_application(settings, archive)

    async def __aenter__(self) -> None:
        await self.application.initialize()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=0.0, timeout=1)

    async def __aexit__(self, *exc: object) -> None:
        assert self.application.updater is not None
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()


async def replies_to(fake: FakeTelegram, message: dict[str, Any], count: int = 1, method: str = "sendMessage") -> list[dict[str, Any]]:  # fmt: skip
    def found(f: FakeTelegram) -> list[dict[str, Any]] | None:
        sent = [p for p in f.sent(method) if _reply_id(p) == message["message_id"]]
        return sent if len(sent) >= count else None

    return await asyncio.to_thread(fake.wait_for, found)


def _first_quote(html_text: str) -> str:
    """The first quoted passage of an answer, as sent."""
    return html_text.split("<blockquote", 1)[1].split("</blockquote>", 1)[0]


def _reply_id(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    return int(reply["message_id"]) if reply else None


async def wait(fake: FakeTelegram, predicate: Callable[[FakeTelegram], Any], what: str = "the bot") -> Any:
    return await asyncio.to_thread(fake.wait_for, predicate, 30.0, what)


# -- questions ----------------------------------------------------------------------------------


async def test_private_question_gets_quoted_sourced_answer(bot: FakeTelegram) -> None:
    message = bot.user_message("Which missile did the generals talk about?")
    [reply] = await replies_to(bot, message)
    text = reply["text"]
    assert reply["parse_mode"] == "HTML"
    assert text.startswith("<blockquote>")
    assert "<b>Citing a U.S. military spokesperson" in text
    assert "Oreshnik" in text
    assert (
        f'<a href="{SAMPLE_URL}">Russia, U.S. Army Chiefs Hold Rare Call Amid Ukraine Escalation</a>' in text
    )
    assert "The Moscow Times · 5 December 2024" in text
    # A quick answer needs no "typing…": that call would count against the flood limit.
    assert not bot.sent("sendChatAction")
    # up to three quotes, and a "More" button under them
    assert text.count("<blockquote") <= 3
    assert reply["reply_markup"]["inline_keyboard"][0][0]["text"] == "More"


async def test_a_slow_answer_shows_typing_first(bot: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "TYPING_AFTER", 0.0)  # every answer counts as slow
    message = bot.user_message("Which missile did the generals talk about?")
    [reply] = await replies_to(bot, message)
    assert "Oreshnik" in reply["text"]
    [action] = bot.sent("sendChatAction")
    assert int(action["chat_id"]) == USER and action["action"] == "typing"


async def test_a_misspelt_question_is_answered_saying_how_it_was_read(bot: FakeTelegram) -> None:
    message = bot.user_message("Which missiel did the generasl talk about?")
    [reply] = await replies_to(bot, message)
    text = reply["text"]
    assert text.startswith("<i>I read that as: Which missile did the generals talk about?</i>")
    assert "Oreshnik" in text
    # A reply to the answer carries on from the question as read, and says nothing of it.
    await asyncio.sleep(0.5)
    answer_id = max(bot.messages)[1]
    follow = bot.user_message("Who asked for the call?", reply_to={**bot.messages[(USER, answer_id)]})
    [second] = await replies_to(bot, follow)
    assert "read that as" not in second["text"]
    # A slip in the reply is read, and only the reply's words are shown as read.
    await asyncio.sleep(0.5)
    answer_id = max(bot.messages)[1]
    follow = bot.user_message("At whose reqeust?", reply_to={**bot.messages[(USER, answer_id)]})
    [third] = await replies_to(bot, follow)
    assert third["text"].startswith("<i>I read that as: At whose request?</i>")


async def test_unanswerable_question_says_so_honestly(bot: FakeTelegram) -> None:
    message = bot.user_message("What is the capital of Peru?")
    [reply] = await replies_to(bot, message)
    assert "<blockquote" not in reply["text"]
    assert "couldn't find an answer" in reply["text"]
    assert "1 article" in reply["text"]
    assert "send me the link" in reply["text"]


async def test_a_message_without_words_is_told_what_to_ask(bot: FakeTelegram) -> None:
    [reply] = await replies_to(bot, bot.user_message("👍"))
    assert "no words to search for" in reply["text"]
    assert "couldn't find" not in reply["text"]


async def test_a_price_the_story_does_not_give_is_not_found_naming_the_story(
    bot: FakeTelegram, archive: Archive
) -> None:
    archive.ingest(_draft("test", TOUR_JSONL))
    message = bot.user_message("How much do tickets cost for the Harbour Lights reunion tour?")
    [reply] = await replies_to(bot, message)
    assert "<blockquote" not in reply["text"]  # no quote that does not give the price
    assert "couldn't find an answer" in reply["text"]
    # The story it has is named and linked, so the reader can look for themselves.
    assert "nearest story is about it but doesn't say" in reply["text"]
    assert (
        f'<a href="{TOUR_JSONL["url"]}">{TOUR_JSONL["title"]}</a> · Stage Weekly · 20 May 2024'
        in reply["text"]
    )


async def test_whats_new_gets_the_newest_stories(bot: FakeTelegram, archive: Archive) -> None:
    archive.ingest(_draft("test", HARBOUR_JSONL))
    message = bot.user_message("What's the latest news?")
    [reply] = await replies_to(bot, message)
    # The sample article (December 2024) first, then the harbour story (March 2024), each
    # quoted by its opening paragraph with its source.
    text = visible_text(reply["text"])
    assert text.index("The Russian and U.S. army chiefs held a rare phone call") < text.index(
        "The harbour master closed the port on Saturday"
    )
    assert "Coastal Herald" in text


async def test_the_latest_command_lists_the_newest_stories_or_the_latest_on_a_topic(
    bot: FakeTelegram, archive: Archive
) -> None:
    archive.ingest(_draft("test", PROTEST_FIRST_JSONL))
    archive.ingest(_draft("test", PROTEST_LATER_JSONL))
    [newest] = await replies_to(bot, bot.user_message("/latest", chat_id=GROUP, chat_type="supergroup"))
    text = visible_text(newest["text"])
    # Each story by its opening paragraph, the sample article (December 2024) first.
    assert text.index("The Russian and U.S. army chiefs held a rare phone call") < text.index(
        "The number of people killed in the Rio Claro dam protests has risen to eleven"
    )
    [topic] = await replies_to(bot, bot.user_message("/latest dam protests"))
    text = visible_text(topic["text"])
    assert "Rio Claro" in text and text.index("Daily") < text.index("Wire")


async def test_markup_in_questions_and_articles_is_escaped(bot: FakeTelegram, archive: Archive) -> None:
    archive.ingest(
        _draft(
            "test",
            {
                "url": "https://example.com/q&a?x=1&y=<2>",
                "title": "Q&A: <Bridge> tolls & the <b>council</b>",
                "publisher": "Tom & Jerry's <Gazette>",
                "text": "The council said tolls on the <Bridge> would rise by 5% & more, ending the R&D <fund> in 2025.",
            },
        )
    )
    message = bot.user_message("Will <b>tolls</b> & fees rise on the bridge?")
    [reply] = await replies_to(bot, message)
    shown = visible_text(reply["text"])  # what Telegram would display: it parsed
    assert "rise by 5% & more" in shown
    assert "Q&A: <Bridge> tolls & the <b>council</b>" in shown
    assert "Tom & Jerry's <Gazette>" in shown
    assert 'href="https://example.com/q&amp;a?x=1&amp;y=%3C2%3E"' in reply["text"]


async def test_more_button_shows_the_next_passages(bot: FakeTelegram) -> None:
    message = bot.user_message("What did the Russian and American generals discuss?")
    [reply] = await replies_to(bot, message)
    token = reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    shown = {line for line in reply["text"].split("<blockquote") if line}
    answer_id = max(bot.messages)[1]
    bot.push(
        {
            "callback_query": {
                "id": "cb1",
                "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
                "chat_instance": "ci",
                "data": token,
                "message": {**bot.messages[(USER, answer_id)], "chat": {"id": USER, "type": "private"}},
            }
        }
    )
    await wait(bot, lambda f: f.sent("answerCallbackQuery"), "the callback answer")
    more = await wait(bot, lambda f: [p for p in f.sent() if _reply_id(p) == answer_id], "more passages")
    assert "<blockquote" in more[0]["text"]
    assert not ({line for line in more[0]["text"].split("<blockquote") if line} & shown)


async def test_a_reply_to_an_answer_carries_on_from_it(bot: FakeTelegram) -> None:
    first = bot.user_message("What did Gerasimov inform Brown about?")
    await replies_to(bot, first)
    # A person takes a moment to reply. The bot records what an answer was about just after
    # Telegram accepts it, so a reply within the same instant could arrive before that.
    await asyncio.sleep(0.5)
    answer_id = max(bot.messages)[1]
    follow = bot.user_message("Where?", reply_to={**bot.messages[(USER, answer_id)]})
    [reply] = await replies_to(bot, follow)
    # "Where?" alone is nothing; after the first question it is about the drills.
    assert "eastern Mediterranean" in reply["text"]


async def test_a_why_in_reply_to_an_answer_asks_for_the_cause(bot: FakeTelegram, archive: Archive) -> None:
    archive.ingest(_draft("test", RAIL_JSONL))
    first = bot.user_message("When were trains on the coastal line suspended?")
    [answer] = await replies_to(bot, first)
    assert "Northern Valley Rail suspended" in _first_quote(answer["text"])
    await asyncio.sleep(0.5)
    answer_id = max(bot.messages)[1]
    follow = bot.user_message("Why?", reply_to={**bot.messages[(USER, answer_id)]})
    [reply] = await replies_to(bot, follow)
    # The reply is read as a "why" question about the same thing: the cause comes first.
    assert "halted the trains after engineers found a crack" in _first_quote(reply["text"])


async def test_any_updates_in_reply_to_an_answer_quotes_the_newest_report_first(
    bot: FakeTelegram, archive: Archive
) -> None:
    archive.ingest(_draft("test", PROTEST_FIRST_JSONL))
    archive.ingest(_draft("test", PROTEST_LATER_JSONL))
    first = bot.user_message("Why are villagers protesting against the Rio Claro dam?")
    [answer] = await replies_to(bot, first)
    assert visible_text(answer["text"]).index("Wire") < visible_text(answer["text"]).index("Daily")
    await asyncio.sleep(0.5)
    answer_id = max(bot.messages)[1]
    follow = bot.user_message("Any updates?", reply_to={**bot.messages[(USER, answer_id)]})
    [reply] = await replies_to(bot, follow)
    # The same story, the later report first.
    text = visible_text(reply["text"])
    assert "Rio Claro" in text and text.index("Daily") < text.index("Wire")


async def test_asking_too_fast_gets_one_slow_down(
    fake: FakeTelegram, data_dir: Path, archive: Archive
) -> None:
    settings = make_settings(fake, data_dir, questions_per_minute=2)
    async with running(settings, archive):
        for n in range(5):
            fake.user_message(f"Which missile was discussed? ({n})")
        await wait(fake, lambda f: len(f.sent()) >= 3, "answers and the warning")
        await asyncio.sleep(1.0)
    texts = [p["text"] for p in fake.sent()]
    assert sum("faster than I can read" in t for t in texts) == 1
    assert sum("<blockquote" in t for t in texts) == 2


async def test_long_answers_are_split_within_telegrams_limit(
    fake: FakeTelegram, data_dir: Path, archive: Archive
) -> None:
    # One long sentence per paragraph: passages are cut at sentences, so these stay whole.
    clause = "the Zubrowka distillery expansion was debated again by the regional assembly on Monday, and "
    archive.ingest(
        _draft(
            "test",
            {
                "url": "https://example.com/zubrowka",
                "title": "Zubrowka",
                "text": "\n\n".join(
                    f"In round {n} " + clause * 9 + "nothing was decided." for n in range(12)
                ),
            },
        )
    )
    settings = make_settings(fake, data_dir, top_k=10)
    async with running(settings, archive):
        fake.user_message("Zubrowka")
        await wait(fake, lambda f: len(f.sent()) >= 2, "a split answer")
        await asyncio.sleep(1.0)
        sent = fake.sent()
    assert len(sent) >= 2
    for params in sent:  # each part was accepted by the fake server's length and HTML checks
        assert len(visible_text(params["text"]).encode("utf-16-le")) // 2 <= 4096
    assert sum(p["text"].count("<blockquote") for p in sent) == 10


async def test_a_page_of_one_endless_sentence_is_answered_within_telegrams_limit(
    fake: FakeTelegram, data_dir: Path, archive: Archive
) -> None:
    # A results table flattened into one paragraph without a full stop.
    results = ", ".join(f"Ward {n} turnout {40 + n % 30} per cent" for n in range(1, 900))
    archive.ingest(
        _draft(
            "test",
            {
                "url": "https://example.com/turnout",
                "title": "Turnout by ward in the Zubrowka council election",
                "text": f"The council published turnout for every ward of the city on Friday.\n\n{results}",
            },
        )
    )
    async with running(make_settings(fake, data_dir), archive):
        fake.user_message("What was the turnout in Ward 417?")
        await wait(fake, lambda f: f.sent(), "an answer")
        await asyncio.sleep(1.0)
        sent = fake.sent()
    for params in sent:  # each part was accepted by the fake server's length and HTML checks
        assert len(visible_text(params["text"]).encode("utf-16-le")) // 2 <= 4096
    assert any("Ward 417 turnout" in visible_text(p["text"]) for p in sent)


# -- delivery that does not break ---------------------------------------------------------------


async def test_flood_limit_429_is_waited_out(bot: FakeTelegram) -> None:
    # Also: no deprecation warning from python-telegram-bot in the admin's log (pytest
    # makes warnings errors), which it gave at each 429 before the bot opted in to its
    # timedelta time periods.
    bot.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 1", retry_after=1))
    message = bot.user_message("Which missile was discussed?")
    [reply] = await replies_to(bot, message)
    assert "Oreshnik" in reply["text"]
    assert [c.ok for c in bot.calls if c.method == "sendMessage"] == [False, True]


async def test_server_errors_are_retried(bot: FakeTelegram) -> None:
    bot.fail_next("sendMessage", ApiError(502, "Bad Gateway"))
    message = bot.user_message("Which missile was discussed?")
    [reply] = await replies_to(bot, message)
    assert "Oreshnik" in reply["text"]


async def test_refused_html_is_sent_again_as_plain_text(bot: FakeTelegram) -> None:
    bot.fail_next("sendMessage", ApiError(400, "Bad Request: can't parse entities: unsupported start tag"))
    message = bot.user_message("Which missile was discussed?")
    [reply] = await replies_to(bot, message)
    assert "parse_mode" not in reply
    assert "<b>" not in reply["text"]
    assert "Oreshnik" in reply["text"]


async def test_a_user_who_blocked_the_bot_is_not_retried(bot: FakeTelegram) -> None:
    bot.fail_next("sendMessage", ApiError(403, "Forbidden: bot was blocked by the user"))
    bot.user_message("Which missile was discussed?")
    await wait(bot, lambda f: [c for c in f.calls if c.method == "sendMessage"], "the refused send")
    await asyncio.sleep(1.5)
    assert len([c for c in bot.calls if c.method == "sendMessage"]) <= 2  # the answer, maybe one apology


# -- groups ---------------------------------------------------------------------------------------

GROUP = -100123


async def test_group_chatter_is_ignored_but_mentions_replies_and_ask_are_answered(bot: FakeTelegram) -> None:
    chatter = bot.user_message(
        "Which missile was it, anyone remember?", chat_id=GROUP, chat_type="supergroup"
    )
    mention_text = f"@{BOT_USERNAME} which missile did the generals discuss?"
    mention = bot.user_message(
        mention_text,
        chat_id=GROUP,
        chat_type="supergroup",
        entities=[{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}],
    )
    [answer] = await replies_to(bot, mention)
    assert "Oreshnik" in answer["text"]
    asked = bot.user_message("/ask Whose troops worried Brown?", chat_id=GROUP, chat_type="supergroup")
    [reply] = await replies_to(bot, asked)
    assert "North Korean troops" in reply["text"]
    bot_message = {**bot.messages[(GROUP, max(k[1] for k in bot.messages if k[0] == GROUP))]}
    follow = bot.user_message(
        "When did Brown take over?", chat_id=GROUP, chat_type="supergroup", reply_to=bot_message
    )
    await replies_to(bot, follow)
    assert not [p for p in bot.sent() if _reply_id(p) == chatter["message_id"]]


async def test_answers_in_a_forum_topic_stay_in_that_topic(bot: FakeTelegram) -> None:
    asked = bot.user_message(
        "/ask Which missile was discussed?", chat_id=GROUP, chat_type="supergroup", topic=77
    )
    [reply] = await replies_to(bot, asked)
    assert int(reply["message_thread_id"]) == 77
    assert "Oreshnik" in reply["text"]


# -- links ----------------------------------------------------------------------------------------


async def test_a_link_is_read_in_the_background_and_the_status_edited(bot: FakeTelegram, site: str) -> None:
    message = bot.user_message(f"Have a look: {site}/news/bridge")
    [status] = await replies_to(bot, message)
    assert status["text"] == "Reading 127.0.0.1…"
    edited = await wait(bot, lambda f: f.sent("editMessageText"), "the edited status")
    assert edited[-1]["text"].startswith("Read: <a href=")
    assert "Council votes to close Harbour Bridge to cars" in edited[-1]["text"]
    assert "Harbour Gazette · 19 November 2024" in edited[-1]["text"]
    question = bot.user_message("What did the engineers say about the bridge's steel deck?")
    [answer] = await replies_to(bot, question)
    assert "lost a fifth of its strength" in answer["text"]


async def test_failing_and_duplicate_links_say_why(bot: FakeTelegram, site: str) -> None:
    bot.user_message(f"{site}/report.pdf")
    failed = await wait(bot, lambda f: f.sent("editMessageText"), "the failure")
    assert "That link is a PDF; I read web articles" in failed[-1]["text"]
    bot.user_message(f"{site}/news/bridge")
    await wait(bot, lambda f: len(f.sent("editMessageText")) >= 2, "the first read")
    bot.user_message(f"{site}/news/bridge?utm_source=tg")
    again = await wait(
        bot, lambda f: len(f.sent("editMessageText")) >= 3 and f.sent("editMessageText"), "dup"
    )
    assert again[-1]["text"].startswith("I already have it")


async def test_a_slow_link_does_not_hold_up_questions(bot: FakeTelegram, site: str) -> None:
    bot.user_message(f"{site}/slow", user_id=7)
    await wait(bot, lambda f: f.sent(chat_id=7), "the reading status")
    question = bot.user_message("Which missile was discussed?")
    started = asyncio.get_running_loop().time()
    await replies_to(bot, question)
    assert asyncio.get_running_loop().time() - started < 2.5  # the slow page takes 3 s to fail


async def test_too_many_links_are_politely_limited(
    fake: FakeTelegram, data_dir: Path, site: str, archive: Archive
) -> None:
    settings = make_settings(fake, data_dir, site, links_per_message=1, ingests_per_hour=1)
    async with running(settings, archive):
        fake.user_message(f"{site}/news/bridge {site}/wire/bridge")
        texts = await wait(fake, lambda f: len(f.sent()) >= 2 and [p["text"] for p in f.sent()], "replies")
        assert "I read up to 1 per message" in texts[0]
        await wait(fake, lambda f: f.sent("editMessageText"), "the read")
        fake.user_message(f"{site}/news/bridge-copy")
        texts = await wait(fake, lambda f: len(f.sent()) >= 3 and [p["text"] for p in f.sent()], "the limit")
        assert "links this hour" in texts[-1]


# -- inline mode ----------------------------------------------------------------------------------


async def test_inline_query_returns_quote_cards(bot: FakeTelegram) -> None:
    bot.push(
        {
            "inline_query": {
                "id": "iq1",
                "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
                "query": "Which missile did the generals discuss?",
                "offset": "",
            }
        }
    )
    [answered] = await wait(bot, lambda f: f.sent("answerInlineQuery"), "the inline answer")
    results = answered["results"]
    assert 1 <= len(results) <= 5
    assert any("Oreshnik" in r["description"] for r in results)
    assert results[0]["title"] == "Russia, U.S. Army Chiefs Hold Rare Call Amid Ukraine Escalation"
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"


# -- help and admins ------------------------------------------------------------------------------


async def test_start_explains_and_counts(bot: FakeTelegram) -> None:
    message = bot.user_message("/start")
    [reply] = await replies_to(bot, message)
    assert "send me its link" in reply["text"]
    assert "<i>the latest on</i> a story" in reply["text"]
    assert "I have read 1 article; the newest is from 5 December 2024." in reply["text"]


async def test_admin_commands_are_refused_to_others(bot: FakeTelegram) -> None:
    for command in ("/rebuild", "/stats", "/sources", "/remove 1", "/refresh https://example.com/a"):
        message = bot.user_message(command, user_id=USER)
        [reply] = await replies_to(bot, message)
        assert reply["text"] == "Sorry, only this bot's admins can do that."
    # An anonymous group admin or a channel cannot borrow an admin's rights.
    sneaky = bot.user_message(
        "/stats",
        user_id=ADMIN,
        chat_id=GROUP,
        chat_type="supergroup",
        sender_chat={"id": GROUP, "type": "supergroup"},
    )
    [reply] = await replies_to(bot, sneaky)
    assert "only this bot's admins" in reply["text"]


async def test_admin_rebuild_shows_progress_and_questions_keep_working(
    bot: FakeTelegram, archive: Archive
) -> None:
    for n in range(8):  # enough passages for the rebuild to take a moment
        archive.ingest(_draft("test", {**HARBOUR_JSONL, "url": f"https://h.example/{n}", "text": HARBOUR_JSONL["text"] + f" Day {n} of the storm."}))  # fmt: skip
    message = bot.user_message("/rebuild", user_id=ADMIN)
    [status] = await replies_to(bot, message)
    assert status["text"].startswith("Rebuilding the index")
    question = bot.user_message("Which missile was discussed?")
    [answer] = await replies_to(bot, question)
    assert "Oreshnik" in answer["text"]
    done = await wait(
        bot,
        lambda f: [p for p in f.sent("editMessageText") if p["text"].startswith("Rebuilt the index")],
        "rebuild",
    )
    assert "passages in" in done[0]["text"]


async def test_admin_stats_sources_and_remove(bot: FakeTelegram) -> None:
    stats = bot.user_message("/stats", user_id=ADMIN)
    [reply] = await replies_to(bot, stats)
    assert "<b>Articles:</b> 1" in reply["text"]
    sources = bot.user_message("/sources", user_id=ADMIN)
    [reply] = await replies_to(bot, sources)
    assert "1. <a href=" in reply["text"]
    removed = bot.user_message(f"/remove {SAMPLE_URL}", user_id=ADMIN)
    [reply] = await replies_to(bot, removed)
    assert reply["text"].startswith("Removed article 1")
    question = bot.user_message("Which missile was discussed?")
    [reply] = await replies_to(bot, question)
    assert "couldn't find" in reply["text"] or "haven't read any" in reply["text"]


async def test_admin_refresh_rereads_a_page(bot: FakeTelegram, site: str) -> None:
    bot.user_message(f"{site}/news/bridge")
    await wait(bot, lambda f: f.sent("editMessageText"), "the read")
    message = bot.user_message(f"/refresh {site}/news/bridge", user_id=ADMIN)
    await replies_to(bot, message)
    edited = await wait(
        bot, lambda f: len(f.sent("editMessageText")) >= 2 and f.sent("editMessageText"), "refresh"
    )
    assert edited[-1]["text"].startswith("Unchanged since")


@pytest.mark.parametrize(
    "bad", ["<b>unclosed", "a < b", "AT&T", "<script>x</script>", "<b><i>x</b></i>", "   "]
)
def test_fake_server_refuses_what_telegram_refuses(bad: str) -> None:
    with pytest.raises(ApiError):
        check_text(bad, "HTML")


def test_fake_server_counts_length_in_utf16_and_accepts_good_html() -> None:
    with pytest.raises(ApiError, match="too long"):
        check_text("😀" * 2049, None)  # 4098 UTF-16 units, 2049 characters
    assert check_text('<b>ok</b> &amp; <a href="https://x.y/?a=1&amp;b=2">link</a>', "HTML") == "ok & link"
