"""Commands for the people who keep the index healthy (NEWSBOT_ADMIN_IDS)."""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update

from bot import replies
from bot.delivery import edit_html, send_html
from bot.handlers import BotContext
from bot.terminal import recut_note
from retrieval.errors import NewsbotError
from retrieval.links import read_link

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between edits of the /rebuild progress message
SOURCES_SHOWN = 10


def _admin_message(update: Update, context: BotContext) -> Message | None:
    """The message if its sender is an admin, by numeric user id only: a message sent as a
    channel or as an anonymous group admin (`sender_chat`) proves nothing about who sent it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.sender_chat is not None:
        return None
    return message if user.id in context.settings.admins() else None


AdminCommand = Callable[[Message, BotContext], Coroutine[Any, Any, None]]


def admin_only(command: AdminCommand) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """The command for admins; everyone else gets a polite refusal."""

    @functools.wraps(command)
    async def guarded(update: Update, context: BotContext) -> None:
        message = _admin_message(update, context)
        if message is not None:
            await command(message, context)
        elif update.effective_message is not None:
            refused = update.effective_message
            await send_html(
                context.bot, refused.chat_id, "Sorry, only this bot's admins can do that.", refused.message_id
            )

    return guarded


@admin_only
async def stats(message: Message, context: BotContext) -> None:
    result = await asyncio.to_thread(context.archive.stats)
    await send_html(context.bot, message.chat_id, replies.stats_html(result), message.message_id)


@admin_only
async def sources(message: Message, context: BotContext) -> None:
    articles = await asyncio.to_thread(context.archive.store.articles, SOURCES_SHOWN)
    await send_html(context.bot, message.chat_id, replies.sources_html(articles), message.message_id)


@admin_only
async def remove(message: Message, context: BotContext) -> None:
    target = " ".join(context.args or []).strip()
    if not target:
        await send_html(
            context.bot, message.chat_id, "Usage: /remove URL_OR_ID (see /sources)", message.message_id
        )
        return
    try:
        article = await asyncio.to_thread(context.archive.remove, target)
    except NewsbotError as exc:
        await send_html(context.bot, message.chat_id, html.escape(str(exc)), message.message_id)
        return
    await send_html(
        context.bot,
        message.chat_id,
        f"Removed article {article.id}: {html.escape(article.title)}",
        message.message_id,
    )


@admin_only
async def refresh(message: Message, context: BotContext) -> None:
    """/refresh URL: read the page again and replace the stored text if it changed."""
    url = " ".join(context.args or []).strip()
    if not url:
        await send_html(context.bot, message.chat_id, "Usage: /refresh URL", message.message_id)
        return
    status = await send_html(context.bot, message.chat_id, replies.reading_html(url), message.message_id)
    try:
        draft = await read_link(url, context.settings.fetch_rules())
        result = await asyncio.to_thread(context.archive.ingest, draft, save=True, refresh=True)
    except NewsbotError as exc:
        await edit_html(status, replies.link_error_html(url, str(exc)))
        return
    if not result.added and result.duplicate == "the same address":
        await edit_html(
            status, f"Unchanged since {result.article.ingested[:10]}: {html.escape(result.article.title)}"
        )
        return
    await edit_html(status, replies.ingest_html(result))


@admin_only
async def rebuild(message: Message, context: BotContext) -> None:
    """/rebuild: re-cut and re-embed everything in the background (`Archive.rebuild`), showing
    progress in one message. Questions keep being answered from the old index until the new
    one is swapped in."""
    state = context.state
    if state.rebuild is not None and not state.rebuild.done():
        await send_html(context.bot, message.chat_id, "A rebuild is already running.", message.message_id)
        return
    total = await asyncio.to_thread(context.archive.store.passage_count)
    status = await send_html(
        context.bot, message.chat_id, "Rebuilding the index: starting…", message.message_id
    )
    state.rebuild = context.application.create_task(_rebuild(status, total, context), name="rebuild")


async def _rebuild(status: Message, total: int, context: BotContext) -> None:
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n

    started = time.monotonic()
    work = asyncio.create_task(asyncio.to_thread(context.archive.rebuild, progress))
    while not work.done():
        await asyncio.wait({work}, timeout=PROGRESS_EVERY)
        if not work.done():
            percent = min(100, 100 * done // max(total, 1))  # re-cut articles can add passages
            await edit_html(status, f"Rebuilding the index: {done:,} of {total:,} passages ({percent}%)…")
    try:
        rebuilt = work.result()
    except Exception:
        log.exception("Rebuild failed")
        await edit_html(status, "The rebuild failed; the old index is still in use. The log says why.")
        return
    done_text = f"Rebuilt the index: {rebuilt.passages:,} passages in {time.monotonic() - started:.0f} s."
    await edit_html(status, " ".join(filter(None, [done_text, recut_note(rebuilt)])))
