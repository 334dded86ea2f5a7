"""A fake Telegram Bot API server on 127.0.0.1, strict where bots trip.

It speaks the real HTTP API that python-telegram-bot uses (`/bot<token>/<method>`, form
fields, JSON answers), hands out queued updates through long-polled getUpdates, records what
the bot sends, and refuses what Telegram refuses: text over 4096 UTF-16 units, empty text, and
HTML that is not Telegram's subset or is not well formed. Tests can also make the next call
of a method fail (429 with retry_after, a 500, a 400) to see the bot cope.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.loopback import serving

BOT_ID = 777000111
BOT_USERNAME = "news_test_bot"
TOKEN = "123456789:AAEtesttokentesttokentesttokentest12"

_JSON_FIELDS = {
    "reply_markup", "reply_parameters", "link_preview_options", "results", "commands", "allowed_updates",
    "entities", "button",
}  # fmt: skip
_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler",
    "span", "tg-emoji",
}  # fmt: skip
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def visible_text(text: str) -> str:
    """Telegram's reading of parse_mode=HTML: the text without tags, or ApiError 400 saying
    what it cannot parse (as "Bad Request: can't parse entities: ...")."""
    out, stack, pos = [], [], 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if not match:
                raise _parse_error(f"unexpected character < at byte offset {pos}")
            closing, name = match.group(1), match.group(2).lower()
            if name not in _ALLOWED_TAGS:
                raise _parse_error(f'unsupported start tag "{name}" at byte offset {pos}')
            if closing:
                if not stack or stack[-1] != name:
                    raise _parse_error(f'can\'t find start tag corresponding to end tag "{name}"')
                stack.pop()
            else:
                stack.append(name)
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(text, pos)
            if not match:
                raise _parse_error(f"unsupported HTML entity at byte offset {pos}")
            out.append(html.unescape(match.group(0)))
            pos = match.end()
        elif char == ">":
            raise _parse_error(f"unexpected character > at byte offset {pos}")
        else:
            out.append(char)
            pos += 1
    if stack:
        raise _parse_error(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _parse_error(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def check_text(text: str | None, parse_mode: str | None) -> str:
    if text is None or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    shown = visible_text(text) if (parse_mode or "").upper() == "HTML" else text
    if not shown.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(shown.encode("utf-16-le")) // 2 > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    return shown


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool
    at: float = field(default_factory=time.monotonic)  # when the server answered it


@dataclass
class FakeTelegram:
    base_url: str = ""
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[ApiError]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _changed: threading.Condition = field(default_factory=threading.Condition)

    # -- what tests do -----------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        with self._changed:
            update_id = next(self._update_ids)
            self.updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        return update_id

    def user_message(
        self,
        text: str,
        user_id: int = 42,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        first_name: str = "Ann",
        sender_chat: dict[str, Any] | None = None,
        topic: int | None = None,
    ) -> dict[str, Any]:
        """Push a message from a user; returns the message as the bot will see it."""
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": chat_type,
                **({"title": "News fans"} if chat_type != "private" else {}),
            },
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if entities:
            message["entities"] = entities
        if reply_to:
            message["reply_to_message"] = reply_to
        if sender_chat:
            message["sender_chat"] = sender_chat
        if topic is not None:  # a message in a forum topic of a supergroup
            message.update(message_thread_id=topic, is_topic_message=True)
            message["chat"]["is_forum"] = True
        self.push({"message": message})
        return message

    def fail_next(self, method: str, error: ApiError) -> None:
        self.failures.setdefault(method, []).append(error)

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return [
            c.params
            for c in list(self.calls)
            if c.method == method and c.ok and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]

    def wait_for(
        self, predicate: Callable[[FakeTelegram], Any], timeout: float = 30.0, what: str = "the bot's reply"
    ) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = predicate(self)
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"timed out waiting for {what}; calls: {[c.method for c in self.calls]}"
                    )
                self._changed.wait(min(left, 0.1))

    # -- the API -----------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        queued = self.failures.get(method)
        if queued:
            raise queued.pop(0)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return handler(params)

    def api_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID, "is_bot": True, "first_name": "Newsbot", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": True, "supports_inline_queries": True,
        }  # fmt: skip

    def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)
        deadline = time.monotonic() + timeout
        with self._changed:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return list(self.updates)

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        check_text(params.get("text"), params.get("parse_mode"))
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot", "username": BOT_USERNAME},
            "text": params["text"],
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        check_text(params.get("text"), params.get("parse_mode"))
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        if self.messages[key]["text"] == params["text"]:
            raise ApiError(400, "Bad Request: message is not modified")
        self.messages[key] = {**self.messages[key], "text": params["text"]}
        return self.messages[key]

    def api_sendChatAction(self, _: dict[str, Any]) -> bool:
        return True

    def api_answerCallbackQuery(self, _: dict[str, Any]) -> bool:
        return True

    def api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        for result in params.get("results", []):
            content = result.get("input_message_content", {})
            check_text(content.get("message_text"), content.get("parse_mode"))
        return True

    def api_setMyCommands(self, _: dict[str, Any]) -> bool:
        return True

    def api_deleteWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def api_setWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def api_close(self, _: dict[str, Any]) -> bool:
        return True


def _handler_for(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or parts[0] != f"bot{TOKEN}":
                return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            params: dict[str, Any] = {}
            for key, value in parse_qsl(raw, keep_blank_values=True):
                params[key] = json.loads(value) if key in _JSON_FIELDS else value
            method = parts[1]
            try:
                result = fake.handle(method, params)
            except ApiError as exc:
                body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
                if exc.retry_after is not None:
                    body["parameters"] = {"retry_after": exc.retry_after}
                self._record(method, params, ok=False)
                return self._reply(exc.code, body)
            self._record(method, params, ok=True)
            self._reply(200, {"ok": True, "result": result})

        def _record(self, method: str, params: dict[str, Any], ok: bool) -> None:
            with fake._changed:
                fake.calls.append(Call(method, params, ok))
                fake._changed.notify_all()

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            # The bot may stop polling while a long poll is open.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))) as base:
        fake.base_url = base
        yield fake
