"""Update -> reply latency of the running bot, with many people asking at once.

    python -m bench.bot_load [--users 50]

The real Application polls the fake Bot API server from the tests (tests/fake_telegram.py)
on loopback; the archive holds the development set. Each user sends one development question;
latency is from the moment the update is queued on the server to the moment the bot's answer
reaches it. The baseline in the same run is the same questions asked one at a time. It also
times the same questions as concurrent `Archive.search` calls without Telegram, to separate
the search's share from the delivery's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.devset import questions, require_devset
from bench.retrieval import build_archive
from bot.app import build_application
from bot.settings import Settings
from retrieval.encoder import load_encoder
from tests.fake_telegram import TOKEN, FakeTelegram, serve_telegram


async def ask(fake: FakeTelegram, texts: list[str], first_user: int) -> list[float]:
    """Queue one question per user at once; seconds until each answer arrives."""
    pushed = {}
    for n, text in enumerate(texts):
        message = fake.user_message(text, user_id=first_user + n)
        pushed[message["message_id"]] = time.monotonic()

    def all_answered(f: FakeTelegram) -> dict[int, float] | None:
        done = {}
        for call in list(f.calls):
            reply = call.params.get("reply_parameters") if call.method == "sendMessage" and call.ok else None
            if reply and int(reply["message_id"]) in pushed:
                done.setdefault(int(reply["message_id"]), call.at)
        return done if len(done) == len(pushed) else None

    done = await asyncio.to_thread(fake.wait_for, all_answered, 300.0, "all answers")
    return [done[mid] - pushed[mid] for mid in pushed]


def summary(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    return f"p50 {statistics.median(ms):7.0f} ms   p95 {ms[int(len(ms) * 0.95) - 1]:7.0f} ms   max {ms[-1]:7.0f} ms"


async def main_async(users: int) -> None:
    archive, _ = build_archive(load_encoder(), reuse=True)
    texts = [q.text for q in questions()][:users]
    with serve_telegram() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(tmp),
            telegram_token=TOKEN,
            telegram_api_url=fake.base_url,
            questions_per_minute=1000,
        )
        application = build_application(settings, archive)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            await ask(fake, texts[:3], 10_000)  # warm up
            one_by_one = []
            for n, text in enumerate(texts):
                one_by_one += await ask(fake, [text], 20_000 + n)
            at_once = await ask(fake, texts, 30_000)
            await application.updater.stop()
            await application.stop()
    print(f"\nupdate -> reply, {len(texts)} development questions, fake Bot API server on loopback")
    print(f"  one at a time (baseline): {summary(one_by_one)}")
    print(f"  {len(texts)} users at once:      {summary(at_once)}")
    print(
        f"\nthe same {len(texts)} questions as concurrent searches, no Telegram (6 threads, as asyncio's pool here)"
    )
    archive._asked.cache_clear()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        searches = list(pool.map(lambda text: timed(archive.search, text), texts))
    print(f"  all done in {time.monotonic() - started:.2f} s; each search {summary(searches)}")


def timed(call, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    call(*args)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    require_devset()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    asyncio.run(main_async(args.users))


if __name__ == "__main__":
    main()
