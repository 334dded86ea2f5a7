"""Getting messages to Telegram without breaking: flood limits, retries, and plain text when
Telegram refuses our HTML."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter, ExtBot

from bot.replies import plain_text

log = logging.getLogger(__name__)

NETWORK_RETRIES = 2
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class PatientRateLimiter(AIORateLimiter):
    """Telegram's flood limits (and its 429 `retry_after`, via AIORateLimiter), plus a few
    retries of network errors and server errors. A 400 is our mistake and a 403 is a user who
    blocked the bot: retrying either would only repeat it."""

    def __init__(self) -> None:
        super().__init__(max_retries=2)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt == NETWORK_RETRIES or endpoint == "getUpdates":
                    raise
                log.warning("Telegram %s failed (%s); retrying.", endpoint, exc)
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")


def _unparseable(exc: BadRequest) -> bool:
    return "can't parse entities" in exc.message.lower() or "unsupported" in exc.message.lower()


async def send_html(
    bot: ExtBot[Any],
    chat_id: int,
    text: str,
    reply_to: int | None = None,
    thread_id: int | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send `text` as HTML; if Telegram cannot parse it, the same content once as plain text."""
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    common: dict[str, Any] = {
        "chat_id": chat_id,
        "reply_parameters": reply,
        "message_thread_id": thread_id,
        "reply_markup": markup,
        "link_preview_options": NO_PREVIEW,
    }
    try:
        return await bot.send_message(text=text, parse_mode=ParseMode.HTML, **common)
    except BadRequest as exc:
        if not _unparseable(exc):
            raise
        log.error("Telegram refused our HTML (%s); sending plain text instead.", exc.message)
        return await bot.send_message(text=plain_text(text), **common)


async def edit_html(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "message is not modified" in exc.message.lower():
            return
        if not _unparseable(exc):
            raise
        log.error("Telegram refused our HTML (%s); editing in plain text instead.", exc.message)
        await message.edit_text(plain_text(text), reply_markup=markup, link_preview_options=NO_PREVIEW)
