"""`newsbot run` as an operator starts it: a real process, against the fake Bot API server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_telegram import TOKEN, FakeTelegram, serve_telegram
from tests.samples import ROOT, SAMPLE

NEWSBOT = Path(sys.executable).parent / "newsbot"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with serve_telegram() as fake:
        yield fake


@pytest.fixture
def env(tmp_path: Path, fake: FakeTelegram) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_TELEGRAM_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM_API_URL": fake.base_url,
    }
    subprocess.run([NEWSBOT, "ingest", str(SAMPLE)], env=env, cwd=tmp_path, check=True, capture_output=True)
    return env


class Running:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [NEWSBOT, "-v", "run"],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def test_newsbot_run_answers_a_question_and_never_logs_the_token(
    env: dict[str, str], fake: FakeTelegram, tmp_path: Path
) -> None:
    bot = Running(env, tmp_path)
    try:
        fake.wait_for(
            lambda f: any(c.method == "getUpdates" for c in f.calls), 90, "the bot to start polling"
        )
        message = fake.user_message("Which missile did the generals talk about?")
        [reply] = fake.wait_for(
            lambda f: [
                p
                for p in f.sent()
                if p.get("reply_parameters", {}).get("message_id") == message["message_id"]
            ],
            60,
        )
    finally:
        log = bot.stop()
    assert "Oreshnik" in reply["text"]
    assert "newsbot is running as @news_test_bot (polling)" in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log


def test_webhook_mode_checks_telegrams_secret(
    env: dict[str, str], fake: FakeTelegram, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram-hook"
    env = {
        **env,
        "NEWSBOT_WEBHOOK_URL": url,
        "NEWSBOT_WEBHOOK_PORT": str(port),
        "NEWSBOT_WEBHOOK_SECRET": "s3cret",
    }
    bot = Running(env, tmp_path)
    try:
        fake.wait_for(lambda f: f.sent("setWebhook"), 90, "the webhook to be set")
        [registered] = fake.sent("setWebhook")
        assert registered["url"] == url
        assert registered["secret_token"] == "s3cret"

        def post(secret: str, text: str, update_id: int) -> int:
            update = {
                "update_id": update_id,
                "message": {
                    "message_id": 5000 + update_id,
                    "date": int(time.time()),
                    "chat": {"id": 42, "type": "private"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
                    "text": text,
                },
            }
            request = urllib.request.Request(
                url,
                data=json.dumps(update).encode(),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            )
            for _ in range(50):  # the server may still be starting
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        return int(response.status)
                except urllib.error.HTTPError as exc:
                    return exc.code
                except (ConnectionError, urllib.error.URLError):
                    time.sleep(0.2)
            raise AssertionError("the webhook never answered")

        assert post("wrong", "What is the capital of Peru?", 1) == 403
        assert post("s3cret", "Which missile was discussed?", 2) == 200
        [reply] = fake.wait_for(lambda f: f.sent(), 60)
        assert "Oreshnik" in reply["text"]
    finally:
        log = bot.stop()
    assert "newsbot is running as @news_test_bot (webhook)" in log
    assert len(fake.sent()) == 1  # the update with the wrong secret was ignored


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "NEWSBOT_TELEGRAM_TOKEN is not set"),
        ("not-a-token", "NEWSBOT_TELEGRAM_TOKEN: not a bot token from @BotFather"),
    ],
)
def test_missing_or_malformed_token_is_one_clear_line(
    tmp_path: Path, token: str | None, message: str
) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "NEWSBOT_DATA_DIR": str(tmp_path / "d")}
    if token is not None:
        env["NEWSBOT_TELEGRAM_TOKEN"] = token
    done = subprocess.run([NEWSBOT, "run"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    if token:
        assert token not in done.stderr


def test_a_token_telegram_refuses_is_one_clear_line(env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "NEWSBOT_TELEGRAM_TOKEN": "987654321:AAEwrongtokenwrongtokenwrongtoken99"}
    done = subprocess.run(
        [NEWSBOT, "run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Telegram did not accept the token" in done.stderr
    assert "wrongtoken" not in done.stderr
    assert "Traceback" not in done.stderr
