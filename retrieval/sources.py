"""Reading articles from files: .txt, .md, .html, .json and .jsonl.

Every file is read and checked before anything is stored, so a bad file changes nothing;
each problem is reported with the file (and line) it came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from retrieval.errors import NewsbotError
from retrieval.extract import extract_article, plain_title
from retrieval.store import Draft
from retrieval.text import clean_text
from retrieval.urls import canonical_url

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
MAX_FILE_BYTES = 50 * 1024 * 1024
_JSON_FIELDS = ("url", "title", "publisher", "author", "published", "language")


@dataclass(frozen=True)
class Loaded:
    origin: str  # "path" or "path line N", for messages
    draft: Draft


def find_files(sources: Iterable[str]) -> list[Path]:
    """The readable article files named by `sources` (files, or directories searched
    recursively); NewsbotError naming every source that does not exist."""
    files: list[Path] = []
    problems: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                problems.append(f"{source}: no article files here (looked for {_suffix_list()})")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                problems.append(
                    f"{source}: cannot read {path.suffix or 'extension-less'} files ({_suffix_list()})"
                )
            files.append(path)
        else:
            problems.append(f"{source}: no such file or directory")
    if problems:
        raise NewsbotError("\n".join(problems))
    return files


def load_file(path: Path) -> list[Loaded]:
    """The articles in one file; NewsbotError saying what is wrong with it."""
    suffix = path.suffix.lower()
    raw = _read_bytes(path)
    if suffix in HTML_SUFFIXES:
        html = _decode(path, raw)
        draft = extract_article(html)
        if draft is None:
            raise NewsbotError(f"{path}: found no article text in this page")
        if not draft.title:
            draft = replace(draft, title=path.stem)
        return [Loaded(str(path), _with_canonical_url(draft))]
    text = _decode(path, raw)
    if suffix == ".jsonl":
        return _load_jsonl(path, text)
    if suffix == ".json":
        return _load_json(path, text)
    return [Loaded(str(path), _load_text(path, text, markdown=suffix != ".txt"))]


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise NewsbotError(
                f"{path}: too large ({size // 2**20} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise NewsbotError(f"{path}: the file is empty")
    return raw


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise NewsbotError(f"{path}: this is a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NewsbotError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded); save it as UTF-8"
        ) from exc


# -- plain text and Markdown --------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)


def _load_text(path: Path, text: str, markdown: bool) -> Draft:
    fields: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        fields = _front_matter(path, match.group(1))
        text = text[match.end() :]
    if markdown:
        text = _markdown_to_text(text)
    lines = text.strip().split("\n")
    if not fields.get("title"):
        fields["title"] = lines.pop(0).lstrip("#").strip() if lines else ""
    body = clean_text("\n".join(lines))
    if not body:
        raise NewsbotError(f"{path}: no article text after the title")
    return _draft(str(path), {**fields, "text": body})


def _front_matter(path: Path, block: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for number, line in enumerate(block.split("\n"), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise NewsbotError(f"{path} line {number}: front matter lines look like 'title: ...'")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[key.strip().lower()] = value or None
    return fields


def _markdown_to_text(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_HEADING.sub("", text)
    return _MD_QUOTE.sub("", text)


# -- JSON ---------------------------------------------------------------------------------


def _load_jsonl(path: Path, text: str) -> list[Loaded]:
    loaded = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        origin = f"{path} line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsbotError(f"{origin}: not valid JSON ({exc.msg})") from exc
        loaded.append(Loaded(origin, _draft(origin, obj)))
    if not loaded:
        raise NewsbotError(f"{path}: the file is empty")
    return loaded


def _load_json(path: Path, text: str) -> list[Loaded]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NewsbotError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    items = data if isinstance(data, list) else [data]
    if not items:
        raise NewsbotError(f"{path}: the list of articles is empty")
    return [Loaded(f"{path} item {n}", _draft(f"{path} item {n}", obj)) for n, obj in enumerate(items, 1)]


def _draft(origin: str, obj: Any) -> Draft:
    """A Draft from a mapping with `text` and optional metadata, validated field by field."""
    if not isinstance(obj, dict):
        raise NewsbotError(f"{origin}: expected an object with a 'text' field")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise NewsbotError(f"{origin}: 'text' is missing or empty")
    fields: dict[str, str | None] = {}
    for name in _JSON_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise NewsbotError(f"{origin}: '{name}' must be a string")
        fields[name] = value.strip() if value and value.strip() else None
    body = clean_text(text)
    if not body:
        raise NewsbotError(f"{origin}: 'text' is missing or empty")
    published = fields["published"]
    url = fields["url"]
    try:
        published = normalize_date(published) if published else None
        url = canonical_url(url) if url else None
    except NewsbotError as exc:
        raise NewsbotError(f"{origin}: {exc}") from exc
    title = plain_title(fields["title"] or "") or _title_from_text(body)
    return Draft(
        text=body,
        title=title,
        url=url,
        publisher=fields["publisher"],
        author=fields["author"],
        published=published,
        language=fields["language"],
    )


def _title_from_text(text: str) -> str:
    return plain_title(text.split("\n", 1)[0][:80])


def normalize_date(value: str) -> str:
    """An ISO 8601 date (YYYY-MM-DD) from an ISO date or date-time."""
    value = value.strip()
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError as exc:
        raise NewsbotError(f"'published' should be a date like 2024-12-05, not {value!r}") from exc


def _with_canonical_url(draft: Draft) -> Draft:
    if not draft.url:
        return draft
    try:
        return replace(draft, url=canonical_url(draft.url))
    except NewsbotError:
        return replace(draft, url=None)


def _suffix_list() -> str:
    return ", ".join(sorted(SUFFIXES))
