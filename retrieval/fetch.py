"""Fetching a web page a stranger linked to, without letting the link reach inside.

Every connection, the first and each redirect's, goes through `_VettedBackend`: it resolves
the host once, refuses it when any of its addresses is denied (`addresses.py`), and connects
to an address it vetted, so a DNS answer cannot change between the check and the connection.
The whole fetch runs under one deadline, and the body is capped both as sent and as
decompressed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from retrieval.addresses import IPAddress, IPNetwork, first_denied, numeric_host

MAX_REDIRECTS = 5
DEFAULT_DEADLINE = 20.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; reads news articles people send it)"
_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_KNOWN_TYPES = {
    "application/pdf": "a PDF",
    "image/": "an image",
    "video/": "a video",
    "audio/": "an audio file",
    "application/zip": "a zip archive",
    "application/json": "JSON data",
}
_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*(\d*)[.\d]*\s*[;,]?\s*url\s*=\s*['"]?([^"'>\s]+)""",
    re.IGNORECASE,
)


class FetchError(Exception):
    """A link that could not be read; the message is for the person who sent it."""


@dataclass(frozen=True)
class Page:
    url: str  # where the page was finally read from, after redirects
    body: bytes
    content_type: str  # media type, lower case, without parameters
    charset: str | None  # as the server declared it


@dataclass(frozen=True)
class FetchRules:
    allow_private: bool = False  # NEWSBOT_ALLOW_PRIVATE_URLS: intranet sites, loopback tests
    allowed_networks: tuple[IPNetwork, ...] = ()  # NEWSBOT_ALLOWED_NETWORKS: just these
    extra_ports: frozenset[int] = frozenset()
    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = DEFAULT_MAX_BYTES

    def ports(self, scheme: str) -> set[int]:
        return {80 if scheme == "http" else 443, *self.extra_ports}


DEFAULT_RULES = FetchRules()


def check_url(url: str, rules: FetchRules) -> str:
    """The URL if its form may be fetched; FetchError saying why not otherwise. Addresses
    are checked again when connecting, where names are resolved."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError("That link is malformed.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("I only read http:// and https:// links.")
    if not parts.hostname:
        raise FetchError("That link has no site name in it.")
    if parts.username is not None or parts.password is not None:
        raise FetchError("I don't open links with a user name or password in them.")
    if port is not None and port not in rules.ports(scheme):
        raise FetchError(f"I only read web pages on the usual ports, not port {port}.")
    address = numeric_host(parts.hostname)
    if address is not None:
        _refuse_if_denied([address], rules)
    return url.strip()


def _refuse_if_denied(addresses: Iterable[IPAddress], rules: FetchRules) -> None:
    denied = first_denied(addresses, always_only=rules.allow_private, allowed=rules.allowed_networks)
    if denied is None:
        return
    if denied.is_loopback or str(denied) in ("0.0.0.0", "::"):
        raise FetchError("That address points at the computer I run on.")
    raise FetchError("That address points inside a private network.")


class _VettedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, vets and connects in one step (see the module docstring)."""

    def __init__(self, rules: FetchRules) -> None:
        self._rules = rules
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port)
        _refuse_if_denied(addresses, self._rules)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int) -> list[IPAddress]:
    address = numeric_host(host)
    if address is not None:
        return [address]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("I could not find that site (its name does not resolve).") from exc
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    return found


def _client(rules: FetchRules) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(retries=0)
    # httpx offers no public way to choose the network backend; its pool is the one seam
    # where every connection (redirects included) passes through our resolver.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl.create_default_context(),
        max_connections=4,
        network_backend=_VettedBackend(rules),
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,  # followed by hand, to check each hop
        trust_env=False,  # no proxy from the environment: it would do the connecting
        timeout=httpx.Timeout(rules.deadline),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5",
        },
    )


async def fetch(url: str, rules: FetchRules = DEFAULT_RULES) -> Page:
    """The page at `url`, or FetchError with a message for a person."""
    url = check_url(url, rules)
    started = time.monotonic()
    try:
        async with asyncio.timeout(rules.deadline), _client(rules) as client:
            return await _follow(client, url, rules)
    except TimeoutError as exc:
        raise FetchError(f"The site did not answer in {rules.deadline:g} s.") from exc
    except httpx.TimeoutException as exc:
        waited = time.monotonic() - started
        raise FetchError(f"The site did not answer in {max(waited, 1):.0f} s.") from exc
    except httpx.HTTPError as exc:
        raise FetchError("I could not connect to that site.") from exc


async def _follow(client: httpx.AsyncClient, url: str, rules: FetchRules) -> Page:
    seen: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        if url in seen:
            raise FetchError("That link redirects in a loop.")
        seen.append(url)
        async with client.stream("GET", url) as response:
            if response.is_redirect:
                url = check_url(urljoin(url, response.headers.get("location", "")), rules)
                continue
            if response.status_code == 404 or response.status_code == 410:
                raise FetchError("That page does not exist (the site says not found).")
            if response.status_code in (401, 403):
                raise FetchError("The site would not let me read that page.")
            if response.status_code >= 400:
                raise FetchError(f"The site answered with an error ({response.status_code}).")
            content_type, charset = _media_type(response.headers.get("content-type", "text/html"))
            _check_type(content_type)
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > rules.max_bytes:
                raise _too_large(rules)
            body = await _read_capped(response, rules)
        refresh = _meta_refresh(body) if content_type != "text/plain" else None
        if refresh and urljoin(url, refresh) != url:
            url = check_url(urljoin(url, refresh), rules)
            continue
        return Page(str(response.url), body, content_type, charset)
    raise FetchError(f"That link redirects more than {MAX_REDIRECTS} times.")


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _check_type(content_type: str) -> None:
    if content_type in _ACCEPTED_TYPES or not content_type:
        return
    for prefix, what in _KNOWN_TYPES.items():
        if content_type.startswith(prefix):
            raise FetchError(f"That link is {what}; I read web articles.")
    raise FetchError(f"That link is not a web page ({content_type}); I read web articles.")


async def _read_capped(response: httpx.Response, rules: FetchRules) -> bytes:
    # aiter_bytes yields decompressed bytes, so the cap also stops gzip bombs; the raw
    # stream is capped as well, since a slow trickle of compressed bytes costs time too.
    chunks, total = [], 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > rules.max_bytes or response.num_bytes_downloaded > rules.max_bytes:
            raise _too_large(rules)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(rules: FetchRules) -> FetchError:
    return FetchError(f"The page is larger than {rules.max_bytes // 2**20} MB.")


# A refresh after longer than this is a page reloading itself now and then (news front pages
# and CNN articles do it every 30 minutes), not a redirect.
MAX_REFRESH_DELAY = 5


_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)


def _meta_refresh(body: bytes) -> str | None:
    # Inside a comment it is not a refresh (CNN sends old IE one in a conditional comment).
    match = _META_REFRESH.search(_COMMENT.sub(b"", body[:50_000]))
    if not match or int(match.group(1) or 0) > MAX_REFRESH_DELAY:
        return None
    return match.group(2).decode("ascii", "replace")
