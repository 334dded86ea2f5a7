"""Answers and articles rendered for a terminal."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date

from retrieval.archive import ArchiveStats, IngestResult, Rebuilt
from retrieval.search import Answer, Hit
from retrieval.store import Article

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
# Stand-ins for the highlight markers while wrapping: one character each, never in text.
_OPEN, _CLOSE = "\x02", "\x03"


def human_date(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def source_line(title: str, publisher: str | None, published: str | None) -> str:
    return " · ".join(part for part in (title, publisher, human_date(published)) if part)


def format_answer(answer: Answer, articles_held: int, color: bool) -> str:
    width = max(40, min(100, shutil.get_terminal_size((88, 24)).columns)) - 4
    lines = [answer.question, *([f"  (read as: {answer.read_as})"] if answer.read_as else []), ""]
    if not answer.answered:
        lines.append(
            textwrap.fill(
                (
                    "Not found: the 1 article I have does not answer that."
                    if articles_held == 1
                    else f"Not found: none of the {articles_held:,} articles I have answers that."
                )
                + " Add articles about it with `newsbot ingest`.",
                width,
                initial_indent="  ",
                subsequent_indent="  ",
            )
        )
        if answer.nearest:
            near = answer.nearest
            lines += ["", "  The nearest story is about it but does not say:"]
            lines.append(f"     — {source_line(near.title, near.publisher, near.published)}")
            if near.url:
                lines.append(f"       {near.url}")
        return "\n".join(lines)
    for number, hit in enumerate(answer.hits, start=1):
        lines.extend(_format_hit(number, hit, width, color))
        lines.append("")
    return "\n".join(lines).rstrip()


def _format_hit(number: int, hit: Hit, width: int, color: bool) -> list[str]:
    end = hit.highlight_start + len(hit.highlight)
    marked = f"{hit.text[: hit.highlight_start]}{_OPEN}{hit.highlight}{_CLOSE}{hit.text[end:]}"
    paragraphs = [" ".join(p.split()) for p in marked.split("\n\n")]
    body = "\n".join(
        textwrap.fill(p, width, initial_indent="     ", subsequent_indent="     ") for p in paragraphs
    )
    body = _paint(body, color)
    source = hit.article
    lines = [f"  {number}. " + body.lstrip()]
    lines.append("     — " + source_line(source.title, source.publisher, source.published))
    if source.url:
        lines.append("       " + source.url)
    also = source.also_reported_by()
    if also:
        lines.append("       also reported by " + ", ".join(also))
    return lines


def _paint(wrapped: str, color: bool) -> str:
    """Turn the highlight markers into bold (re-opened on every line: many terminals and
    pagers reset attributes at a newline) or, without colour, into **...**."""
    if not color:
        return wrapped.replace(_OPEN, "**").replace(_CLOSE, "**")
    lines, inside = [], False
    for line in wrapped.split("\n"):
        painted = _BOLD if inside else ""
        for char in line:
            if char == _OPEN:
                painted, inside = painted + _BOLD, True
            elif char == _CLOSE:
                painted, inside = painted + _RESET, False
            else:
                painted += char
        lines.append(painted + (_RESET if inside else ""))
    return "\n".join(lines)


def format_ingest(result: IngestResult) -> str:
    article = result.article
    title = f"“{article.title}”"
    meta = ", ".join(p for p in (article.publisher, article.published) if p)
    where = f" ({meta})" if meta else ""
    if result.added:
        verb = "Replaced with the new text of" if result.replaced else "Added"
        return f"{verb} {title}{where}: {result.passages} passage{'s' if result.passages != 1 else ''}."
    also = "; recorded this address as another source of it" if result.copy_recorded else ""
    return f"Already indexed on {article.ingested[:10]} ({result.duplicate}): {title}{where}{also}."


def format_removed(article: Article) -> str:
    where = f" ({article.url})" if article.url else ""
    return f"Removed article {article.id}: “{article.title}”{where}."


def recut_note(rebuilt: Rebuilt) -> str:
    """What a rebuild changed besides the vectors, for `newsbot rebuild` and /rebuild."""
    n = rebuilt.recut_articles
    if not n:
        return ""
    return f"{n:,} {'article was' if n == 1 else 'articles were'} cut into passages anew, by this version's rules."


def stats_rows(stats: ArchiveStats) -> list[tuple[str, str]]:
    """What `newsbot stats` and the bot's /stats report, as (label, value) rows."""
    index = (
        "not built yet" if stats.indexed is None else f"{stats.indexed:,} vectors, {_size(stats.index_bytes)}"
    )
    return [
        ("Articles", f"{stats.articles:,}"),
        ("Passages", f"{stats.passages:,}"),
        ("Model", stats.model),
        ("Index", index),
        ("Newest article", human_date(stats.newest_published) or "none"),
        ("Last added", stats.newest_ingested or "never"),
    ]


def format_stats(stats: ArchiveStats, data_dir: str) -> str:
    rows = [*stats_rows(stats), ("Data directory", data_dir)]
    return "\n".join(f"{name + ':':<16} {value}" for name, value in rows)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"
