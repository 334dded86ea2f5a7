"""What people can do: ask, send links, page through answers, ask inline.

Each callback translates a Telegram update into a call to the archive (in a worker thread:
the model, FAISS and SQLite block) and the result into a reply from `replies.py`.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.ext import CallbackContext, ExtBot

from bot import replies
from bot.delivery import edit_html, send_html
from bot.limits import Allowance
from bot.settings import Settings
from retrieval.archive import Archive
from retrieval.errors import NewsbotError
from retrieval.links import find_links, read_link
from retrieval.search import Answer

log = logging.getLogger(__name__)

MORE_STEP = 3
MAX_MORE = 12  # passages reachable through "More"
REMEMBERED = 2000  # answers kept for "More" and for follow-up replies
INLINE_RESULTS = 5
TYPING_AFTER = 0.5  # seconds an answer may take before the chat shows "typing…"


@dataclass
class Conversation:
    question: str
    shown: int  # passages shown so far


@dataclass
class BotState:
    """What the bot remembers between updates (in memory: answers older than a restart
    simply lose their "More" button)."""

    questions: Allowance
    ingests: Allowance
    answers: OrderedDict[str, Conversation] = field(default_factory=OrderedDict)
    answered: OrderedDict[tuple[int, int], str] = field(default_factory=OrderedDict)  # message -> question
    rebuild: asyncio.Task[Any] | None = None

    def remember(self, store: OrderedDict[Any, Any], key: Any, value: Any) -> None:
        store[key] = value
        store.move_to_end(key)
        while len(store) > REMEMBERED:
            store.popitem(last=False)


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every callback gets, with the bot's parts typed."""

    @property
    def archive(self) -> Archive:
        archive: Archive = self.bot_data["archive"]
        return archive

    @property
    def settings(self) -> Settings:
        settings: Settings = self.bot_data["settings"]
        return settings

    @property
    def state(self) -> BotState:
        state: BotState = self.bot_data["state"]
        return state


# -- /start and /help -------------------------------------------------------------------------


async def help_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    stats = await asyncio.to_thread(context.archive.stats)
    greeting = replies.Greeting(stats.articles, stats.newest_published, context.settings.links_per_message)
    await send_html(
        context.bot, message.chat_id, replies.help_html(greeting), message.message_id, _thread(message)
    )


# -- questions ----------------------------------------------------------------------------------


async def private_text(update: Update, context: BotContext) -> None:
    """Any text in a private chat: links to read, or else a question."""
    message = update.effective_message
    if message is None or not message.text:
        return
    await _links_or_question(message, message.text, context)


async def group_text(update: Update, context: BotContext) -> None:
    """Group chatter is ignored unless it mentions the bot or replies to it."""
    message = update.effective_message
    if (
        message is None
        or not message.text
        or (message.sender_chat is not None and message.is_automatic_forward)
    ):
        return
    username = (context.bot.username or "").lower()
    mentioned = any(
        entity.type == MessageEntity.MENTION and text.lower() == f"@{username}"
        for entity, text in message.parse_entities([MessageEntity.MENTION]).items()
    )
    replied = message.reply_to_message is not None and (
        message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == context.bot.id
    )
    if not (mentioned or replied):
        return
    text = message.text
    if mentioned:
        text = " ".join(word for word in text.split() if word.lower() != f"@{username}")
    await _links_or_question(message, text, context)


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask QUESTION, for groups (and anyone who likes commands)."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await send_html(
            context.bot, message.chat_id, "Ask me like this: /ask Who asked for the call?", message.message_id,
            _thread(message),
        )  # fmt: skip
        return
    await answer_question(message, question, context)


async def latest_command(update: Update, context: BotContext) -> None:
    """/latest: the newest stories; /latest TOPIC: the newest reports on it."""
    message = update.effective_message
    if message is None:
        return
    topic = " ".join(context.args or []).strip()
    await answer_question(
        message, f"What's the latest on {topic}?" if topic else "What's the latest?", context
    )


async def _links_or_question(message: Message, text: str, context: BotContext) -> None:
    links = find_links(text)
    if links:
        await read_links(message, links, context)
    else:
        await answer_question(message, text, context)


async def answer_question(message: Message, question: str, context: BotContext) -> None:
    state, user = context.state, message.from_user
    if user is not None and not state.questions.take(user.id):
        if state.questions.should_warn(user.id):
            wait = max(1, round(state.questions.wait(user.id)))
            await send_html(
                context.bot, message.chat_id, f"You're asking faster than I can read. Try again in {wait} s.",
                message.message_id, _thread(message),
            )  # fmt: skip
        return
    query = question
    previous = _previous_question(message, context)
    if previous:
        # A reply to one of our answers carries on from it: "And who answered?" means
        # nothing alone, but does beside the question it follows. The reply comes first:
        # it is what is asked now, and its kind ("Why?") decides what answers it.
        query = f"{question} {previous}"
    search = asyncio.ensure_future(asyncio.to_thread(context.archive.search, query, context.settings.top_k))
    # "typing…" only when the answer is slow to come (the first question after a start
    # loads the index): sent for every question, it would double the calls that Telegram's
    # flood limit counts, and delay every answer behind it when many users ask at once.
    done, _ = await asyncio.wait({search}, timeout=TYPING_AFTER)
    if not done:
        await context.bot.send_chat_action(
            message.chat_id, ChatAction.TYPING, message_thread_id=_thread(message)
        )
    try:
        answer = await search
    except NewsbotError as exc:
        await send_html(
            context.bot, message.chat_id, html.escape(str(exc)), message.message_id, _thread(message)
        )
        return
    # What a reply or "More" carries on from is the question as read: a slip is read once,
    # not again in every follow-up.
    query = answer.read_as or query
    if answer.read_as and previous:
        # The reader is shown how their own words were read, not the question they replied
        # to, which was read before.
        answer = replace(answer, read_as=answer.read_as.removesuffix(f" {previous}"))
    await _send_answer(message, answer, query, context)


async def _send_answer(message: Message, answer: Answer, query: str, context: BotContext) -> None:
    held = 0 if answer.answered else (await asyncio.to_thread(context.archive.stats)).articles
    texts = replies.answer_messages(answer, held)
    markup = None
    if answer.answered and len(answer.hits) >= context.settings.top_k:
        token = secrets.token_urlsafe(9)
        context.state.remember(context.state.answers, token, Conversation(query, len(answer.hits)))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data=f"more:{token}")]])
    for n, text in enumerate(texts):
        last = n == len(texts) - 1
        sent = await send_html(
            context.bot, message.chat_id, text, message.message_id, _thread(message), markup if last else None
        )
        context.state.remember(context.state.answered, (sent.chat_id, sent.message_id), query)


def _previous_question(message: Message, context: BotContext) -> str | None:
    replied = message.reply_to_message
    if replied is None:
        return None
    return context.state.answered.get((replied.chat_id, replied.message_id))


async def more(update: Update, context: BotContext) -> None:
    """The "More" button: the next passages for the same question."""
    query = update.callback_query
    if query is None or not query.data:
        return
    conversation = context.state.answers.get(query.data.removeprefix("more:"))
    if conversation is None:
        await query.answer("That answer is too old; ask again.")
        return
    wanted = min(MAX_MORE, conversation.shown + MORE_STEP)
    answer = await asyncio.to_thread(context.archive.search, conversation.question, wanted)
    fresh = answer.hits[conversation.shown :]
    if not fresh:
        await query.answer("That's all I have on it.")
        return
    await query.answer()
    conversation.shown += len(fresh)
    message = query.message
    if not isinstance(message, Message):
        return
    texts = replies.pack(replies.answer_blocks(fresh))
    for text in texts:
        sent = await send_html(context.bot, message.chat_id, text, message.message_id, _thread(message))
        context.state.remember(context.state.answered, (sent.chat_id, sent.message_id), conversation.question)


# -- links ------------------------------------------------------------------------------------


async def read_links(message: Message, links: list[str], context: BotContext) -> None:
    """Acknowledge each link at once and read it in the background: a slow site must never
    hold up anyone else's questions."""
    settings, state, user = context.settings, context.state, message.from_user
    if len(links) > settings.links_per_message:
        await send_html(
            context.bot, message.chat_id,
            f"That's {len(links)} links; I read up to {settings.links_per_message} per message. "
            f"I'll read the first {settings.links_per_message}.",
            message.message_id, _thread(message),
        )  # fmt: skip
        links = links[: settings.links_per_message]
    for url in links:
        if user is not None and not state.ingests.take(user.id):
            await send_html(
                context.bot, message.chat_id,
                f"You've sent me {settings.ingests_per_hour} links this hour, my limit per person. "
                "Please send the rest later.",
                message.message_id, _thread(message),
            )  # fmt: skip
            return
        status = await send_html(
            context.bot, message.chat_id, replies.reading_html(url), message.message_id, _thread(message)
        )
        context.application.create_task(_read_one(url, status, context), update=None, name=f"read {url}")


async def _read_one(url: str, status: Message, context: BotContext) -> None:
    try:
        draft = await read_link(url, context.settings.fetch_rules())
        result = await asyncio.to_thread(context.archive.ingest, draft)
    except NewsbotError as exc:  # LinkError included: the page could not be read, or stored
        await edit_html(status, replies.link_error_html(url, str(exc)))
        return
    except Exception:
        log.exception("Reading %s failed", url)
        await edit_html(status, replies.link_error_html(url, "something went wrong on my side."))
        return
    await edit_html(status, replies.ingest_html(result))


# -- inline mode ------------------------------------------------------------------------------


async def inline_query(update: Update, context: BotContext) -> None:
    """`@bot question` in any chat: quote cards to pick from."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    if len(question) < 3:
        await query.answer([], cache_time=5, is_personal=False)
        return
    try:
        answer = await asyncio.to_thread(context.archive.search, question, INLINE_RESULTS)
    except NewsbotError:
        await query.answer([], cache_time=5)
        return
    results = [
        InlineQueryResultArticle(
            id=str(hit.passage_id),
            title=hit.article.title[:200] or "Quote",
            description=hit.highlight[:200],
            input_message_content=InputTextMessageContent(
                replies.pack(replies.answer_blocks([hit]))[0], parse_mode=ParseMode.HTML
            ),
        )
        for hit in answer.hits
    ]
    await query.answer(results, cache_time=60)


# -- errors -----------------------------------------------------------------------------------


async def error_handler(update: object, context: BotContext) -> None:
    """Log first, then apologise; nobody sees a traceback."""
    log.error("Update failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        message = update.effective_message
        try:
            await send_html(
                context.bot, message.chat_id, "Sorry, something went wrong on my side. Please try again.",
                message.message_id, _thread(message),
            )  # fmt: skip
        except Exception:
            log.exception("Could not even apologise")


def _thread(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None
