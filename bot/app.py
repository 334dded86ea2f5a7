"""The Telegram bot's composition root: settings and archive in, a wired Application out."""

from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import admin, handlers
from bot.delivery import PatientRateLimiter
from bot.handlers import BotContext, BotState
from bot.limits import Allowance
from bot.settings import Settings
from retrieval.archive import Archive
from retrieval.errors import NewsbotError

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("help", "what I do and how to ask"),
    BotCommand("ask", "ask a question (in groups)"),
    BotCommand("latest", "the newest stories, or the latest on a topic"),
]


def build_application(settings: Settings, archive: Archive) -> Application[Any, Any, Any, Any, Any, Any]:
    # python-telegram-bot warns of its coming switch to timedelta time periods whenever
    # Telegram answers 429, reading `retry_after` in its own code: a deprecation warning in
    # an admin's log at every flood limit, about code the bot does not have. Opting in to
    # the new behaviour (PTB's own switch; an admin's setting wins) leaves it out.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    token = _token(settings)
    root = settings.telegram_api_url.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(PatientRateLimiter())
        # Updates are handled concurrently: one slow question or link never queues the rest.
        .concurrent_updates(True)
        .post_init(_post_init)
        .build()
    )
    application.bot_data.update(
        archive=archive,
        settings=settings,
        state=BotState(
            questions=Allowance(settings.questions_per_minute, 60.0),
            ingests=Allowance(settings.ingests_per_hour, 3600.0),
        ),
    )
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    application.add_handlers(
        [
            CommandHandler(["start", "help"], handlers.help_command),
            CommandHandler("ask", handlers.ask_command),
            CommandHandler("latest", handlers.latest_command),
            CommandHandler("stats", admin.stats),
            CommandHandler("sources", admin.sources),
            CommandHandler("remove", admin.remove),
            CommandHandler("refresh", admin.refresh),
            CommandHandler("rebuild", admin.rebuild),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.private_text),
            MessageHandler(groups & filters.TEXT & ~filters.COMMAND, handlers.group_text),
            CallbackQueryHandler(handlers.more, pattern=r"^more:"),
            InlineQueryHandler(handlers.inline_query),
        ]
    )
    application.add_error_handler(handlers.error_handler)
    return application


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    mode = "webhook" if application.bot_data["settings"].webhook_url else "polling"
    log.warning("newsbot is running as @%s (%s); Ctrl-C stops it.", application.bot.username, mode)
    try:
        await application.bot.set_my_commands(COMMANDS)
    except Exception as exc:  # a missing command menu is no reason not to start
        log.warning("Could not set the command menu: %s", exc)


def _token(settings: Settings) -> str:
    if settings.telegram_token is None:
        raise NewsbotError(
            "NEWSBOT_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token in .env."
        )
    return settings.telegram_token.get_secret_value()


class BriefTelegramErrors(logging.Filter):
    """python-telegram-bot logs a full traceback for every failed Bot API call it retries; an
    operator needs one line ("cannot reach", "bad token"), which the exception message is."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            record.name.startswith("telegram")
            and record.exc_info
            and isinstance(record.exc_info[1], TelegramError)
        ):
            record.msg = f"{record.getMessage()} ({record.exc_info[1]})"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def run(settings: Settings) -> None:
    """Serve until interrupted: long polling, or a webhook when NEWSBOT_WEBHOOK_URL is set."""
    _token(settings)  # fail on a missing token before loading the model
    # A long-running process is worth an HNSW graph once the archive is large.
    archive = settings.archive(graph=True)
    archive.open()  # the model and index, before the first question rather than during it
    application = build_application(settings, archive)
    try:
        _serve(application, settings)
    except InvalidToken as exc:
        raise NewsbotError(
            "Telegram did not accept the token in NEWSBOT_TELEGRAM_TOKEN; check it with @BotFather."
        ) from exc
    except NetworkError as exc:
        raise NewsbotError(
            f"Cannot reach the Telegram Bot API at {settings.telegram_api_url} ({exc.message})."
        ) from exc


def _serve(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=_webhook_path(settings.webhook_url),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def _webhook_path(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
