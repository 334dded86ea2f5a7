"""The `newsbot` command: thin adapters that parse, call the archive, and print."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.settings import Settings, load_settings
from bot.terminal import format_answer, format_ingest, format_removed, format_stats, recut_note
from retrieval.errors import NewsbotError
from retrieval.links import read_link
from retrieval.search import Answer
from retrieval.sources import Loaded, find_files, load_file

log = logging.getLogger("newsbot")

EMPTY_ARCHIVE = (
    "No articles yet. Add some first: `newsbot ingest data/` (files), or send the bot a link to an article."
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        _configure_logging("DEBUG" if args.verbose else settings.log_level)
        return int(args.command(args, settings) or 0)
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whatever read the output stopped reading (`newsbot ask ... | head`): stop quietly,
        # as other commands do, with standard output sent nowhere so that Python's flush at
        # exit does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as if killed by SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Answers questions about news articles with quoted, sourced passages."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add articles from links, files or directories")
    ingest.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a link, a .txt .md .html .json .jsonl file, or a directory",
    )
    ingest.add_argument(
        "--skip-bad", action="store_true", help="add the good ones even if some cannot be read"
    )
    ingest.add_argument(
        "--refresh",
        action="store_true",
        help="replace an article held at the same address if its text changed",
    )
    ingest.set_defaults(command=cmd_ingest)

    ask = commands.add_parser("ask", help="answer a question (or one per line from standard input)")
    ask.add_argument("question", nargs="?", help="the question; omit it to read questions from stdin")
    ask.add_argument("-k", type=int, metavar="N", help="how many passages to quote (default: NEWSBOT_TOP_K)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.set_defaults(command=cmd_ask)

    export = commands.add_parser("export", help="write every article as JSONL (reads back with ingest)")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    export.set_defaults(command=cmd_export)

    rebuild = commands.add_parser(
        "rebuild", help="re-cut passages made by older rules and re-embed every passage into a new index"
    )
    rebuild.set_defaults(command=cmd_rebuild)

    stats = commands.add_parser("stats", help="what the archive holds")
    stats.set_defaults(command=cmd_stats)

    run = commands.add_parser("run", help="start the Telegram bot (needs NEWSBOT_TELEGRAM_TOKEN)")
    run.set_defaults(command=cmd_run)

    remove = commands.add_parser("remove", help="remove an article")
    remove.add_argument("article", metavar="URL_OR_ID")
    remove.set_defaults(command=cmd_remove)
    return parser


def _progress(total: int, unit: str, desc: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    # tqdm stays silent when stderr is not a terminal, and for short runs.
    return tqdm(total=total, unit=unit, desc=desc, disable=None if total >= 20 else True, leave=False)


# -- commands -----------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    links = [s for s in args.sources if s.lower().startswith(("http://", "https://"))]
    files = [s for s in args.sources if s not in links]
    loaded, problems = _load_sources(files) if files else ([], [])
    if links:
        read, failed = asyncio.run(_read_links(links, settings))
        loaded += read
        problems += failed
    if problems and not args.skip_bad:
        raise NewsbotError("nothing was added; fix these or pass --skip-bad:\n  " + "\n  ".join(problems))
    for problem in problems:
        print(f"newsbot: skipped {problem}", file=sys.stderr)
    archive = settings.archive()
    with _progress(len(loaded), "article", "Reading") as bar:
        results = archive.ingest_many(
            [item.draft for item in loaded], progress=bar.update, refresh=args.refresh
        )
    for item, result in zip(loaded, results, strict=True):
        print(format_ingest(result) if result.added else f"{item.origin}: {format_ingest(result)}")
    added = sum(r.added for r in results)
    print(f"Done: {added} added, {len(results) - added} already indexed.")
    return 1 if problems else 0


async def _read_links(links: list[str], settings: Settings) -> tuple[list[Loaded], list[str]]:
    rules = settings.fetch_rules()
    outcomes = await asyncio.gather(*(read_link(link, rules) for link in links), return_exceptions=True)
    loaded, problems = [], []
    for link, outcome in zip(links, outcomes, strict=True):
        if isinstance(outcome, NewsbotError):
            problems.append(f"{link}: {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            loaded.append(Loaded(link, outcome))
    return loaded, problems


def _load_sources(sources: list[str]) -> tuple[list[Loaded], list[str]]:
    loaded: list[Loaded] = []
    problems: list[str] = []
    files = find_files(sources)
    with _progress(len(files), "file", "Reading files") as bar:
        for path in files:
            try:
                loaded.extend(load_file(path))
            except NewsbotError as exc:
                problems.append(str(exc))
            bar.update(1)
    return loaded, problems


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.k is not None and not 1 <= args.k <= 50:
        raise NewsbotError("-k must be between 1 and 50.")
    archive = settings.archive()
    held = archive.store.stats().articles
    if held == 0:
        raise NewsbotError(EMPTY_ARCHIVE)
    questions: Iterable[str] = [args.question] if args.question is not None else _stdin_questions()
    color = not args.json and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    failed = 0
    for question in questions:
        try:
            answer = archive.search(question, args.k)
        except NewsbotError as exc:
            if args.question is not None:
                raise
            print(f"newsbot: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(
            json.dumps(answer_json(answer), ensure_ascii=False)
            if args.json
            else format_answer(answer, held, color)
        )
        if not args.json:
            print()
        sys.stdout.flush()
    return 1 if failed else 0


def _stdin_questions() -> Iterator[str]:
    if sys.stdin.isatty():
        print("Type a question per line; Ctrl-D to finish.", file=sys.stderr)
    for line in sys.stdin:
        if line.strip():
            yield line


def answer_json(answer: Answer) -> dict[str, object]:
    near = answer.nearest
    return {
        "question": answer.question,
        "read_as": answer.read_as,
        "answered": answer.answered,
        "nearest": None
        if near is None
        else {
            "id": near.id,
            "url": near.url,
            "title": near.title,
            "publisher": near.publisher,
            "published": near.published,
        },
        "passages": [
            {
                "text": hit.text,
                "highlight": hit.highlight,
                "score": hit.score,
                "article": {
                    "id": hit.article.id,
                    "url": hit.article.url,
                    "title": hit.article.title,
                    "publisher": hit.article.publisher,
                    "published": hit.article.published,
                    "also_reported_by": [
                        {"url": c.url, "publisher": c.publisher, "title": c.title} for c in hit.article.also
                    ],
                },
            }
            for hit in answer.hits
        ],
    }


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    archive = settings.archive()
    lines = (json.dumps(item, ensure_ascii=False) + "\n" for item in archive.export())
    if args.output is None:
        sys.stdout.writelines(lines)
        return 0
    tmp = args.output.with_name(f".{args.output.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        tmp.replace(args.output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NewsbotError(f"Cannot write {args.output}: {exc.strerror or exc}.") from exc
    print(f"Wrote {archive.store.stats().articles} articles to {args.output}.", file=sys.stderr)
    return 0


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    archive = settings.archive()
    total = archive.store.passage_count()
    with _progress(total, "passage", "Embedding") as bar:
        rebuilt = archive.rebuild(progress=bar.update)
    print(f"Rebuilt the index: {rebuilt.passages:,} passages embedded with {settings.embedding_model}.")
    if rebuilt.recut_articles:
        print(recut_note(rebuilt))
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    print(format_stats(settings.archive().stats(), str(settings.data_dir.resolve())))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    print(format_removed(settings.archive().remove(args.article)))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import BriefTelegramErrors, run  # Telegram's libraries only where needed

    for handler in logging.getLogger().handlers:
        handler.addFilter(BriefTelegramErrors())  # before redaction, which runs after it
    if settings.telegram_token is not None:
        _redact(settings.telegram_token.get_secret_value())
    run(settings)
    return 0


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="newsbot: %(message)s", stream=sys.stderr)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


class _Redacted(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "[token]"), None
        if record.exc_info and record.exc_info[1] is not None and self.secret in str(record.exc_info[1]):
            record.exc_text = (
                logging.Formatter().formatException(record.exc_info).replace(self.secret, "[token]")
            )
            record.exc_info = None
            record.msg = f"{record.msg}\n{record.exc_text}"
            record.exc_text = None
        return True


def _redact(secret: str) -> None:
    """Keep the bot token out of every log line, whoever logs it (an exception from the
    HTTP library quotes the request URL, token included)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(_Redacted(secret))


if __name__ == "__main__":
    sys.exit(main())
